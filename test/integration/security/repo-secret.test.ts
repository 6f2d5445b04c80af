/**
 * Issue 10, "Git credentials for a repository are secrets with the same boundary": a run names
 * a team secret (`repoSecret`) and the server clones a private repository over real smart HTTP
 * (git http-backend demanding Basic auth) with it. The token is found nowhere an API caller,
 * a step or the server's home can see; another team's secret, a policy that excludes the run
 * and a token without `secrets:use` are refused at submit, and a policy changed while the run
 * waits in the queue fails it before the clone.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { startGitHttpServer, type GitHttpServer } from "../../fixtures/git-http.ts";
import { type LooseJson, type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";
import { filesContaining } from "../../fixtures/security-pipelines.ts";

const TOKEN = "ghs_rs7Tq2-never-shown-41d";
const PASSWORD = "pw-Hc9x-never-shown-77";
const WRONG = "wrong-Zp3-never-shown-05";
const TERMINAL = ["succeeded", "failed", "cancelled", "skipped", "timed-out"];
const reversed = (s: string) => [...s].reverse().join("");
/** Every form that must appear nowhere (reversed: what the step prints, which no masker knows). */
const needles = [TOKEN, PASSWORD, WRONG, ...[TOKEN, PASSWORD, WRONG].map(reversed)];
const leaked = (text: string) => needles.filter((n) => text.includes(n));

let t: PipelineTestServer;
let source: TestRepository;
let tokenServer: GitHttpServer;
let userServer: GitHttpServer;
/** Tokens by name: red-owner, red-member, red-norun (no secrets:use), blue-owner, green-owner, green-member. */
const tokens: Record<string, string> = {};
/** Every response seen, searched for the values at the end. */
const seen: string[] = [];

async function as(who: string, method: "GET" | "POST" | "DELETE", path: string, body?: unknown) {
  const res = await t.call(method, path, { token: tokens[who] ?? null, ...(body === undefined ? {} : { body }) });
  seen.push(res.text);
  return res;
}

async function setSecret(who: string, name: string, value: string, policy?: LooseJson): Promise<void> {
  const res = await as(who, "POST", "/v1/secrets", { name, value, ...(policy ? { policy } : {}) });
  assert.equal(res.status, 201, res.text);
}

async function finished(who: string, id: string): Promise<LooseJson> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await as(who, "GET", `/v1/runs/${id}`);
    if (TERMINAL.includes(res.json?.state)) return res.json;
    if (Date.now() > deadline) throw new Error(`run ${id} stayed ${res.json?.state}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Everything an API caller can read about a run: it, the list, its step's log, events, the audit log. */
async function everythingAbout(id: string): Promise<string> {
  const parts = [
    (await as("red-member", "GET", `/v1/runs/${id}`)).text,
    (await as("red-member", "GET", "/v1/runs?limit=1000")).text,
    (await as("red-member", "GET", `/v1/runs/${id}/steps/look/logs`)).text,
    (await t.call("GET", "/v1/events")).text,
    (await t.call("GET", "/v1/audit?limit=1000")).text,
  ];
  seen.push(...parts);
  return parts.join("\n");
}

function submitBody(repoUrl: string, extra: LooseJson = {}): LooseJson {
  return { repoUrl, commit: source.commits[0], branch: "main", ...extra };
}

before(async () => {
  source = await createTestRepository({
    ".c8s.yaml": [
      "version: v1alpha1",
      "name: private",
      "steps:",
      "  - name: look",
      "    commands:",
      // Plain (to prove the log was read) and reversed (a value here would escape the masker).
      "      - git config -l",
      "      - cat .git/config | rev",
      "      - git config -l | rev",
      "      - env | rev",
      "",
    ].join("\n"),
  });
  tokenServer = await startGitHttpServer({ private: source.dir }, { username: "x-access-token", password: TOKEN });
  userServer = await startGitHttpServer({ private: source.dir }, { username: "carol", password: PASSWORD });
  t = await startPipelineServer();
  for (const [team, quotas] of [["red"], ["blue"], ["green", { maxRuns: 1 }]] as const) {
    const made = await t.call("POST", "/v1/teams", { body: { name: team, ...(quotas ? { quotas } : {}) } });
    assert.equal(made.status, 201, made.text);
  }
  const grants: [string, LooseJson][] = [
    ["red-owner", { team: "red", role: "owner" }],
    ["red-member", { team: "red", role: "member" }],
    ["red-norun", { team: "red", role: "member", scopes: ["runs:read", "runs:write"] }],
    ["blue-owner", { team: "blue", role: "owner" }],
    ["green-owner", { team: "green", role: "owner" }],
  ];
  for (const [name, grant] of grants) {
    const res = await t.call("POST", "/v1/tokens", { body: { name, ...grant } });
    assert.equal(res.status, 201, res.text);
    tokens[name] = res.json.token as string;
  }
  await setSecret("red-owner", "GIT_TOKEN", `${TOKEN}\n`);
  await setSecret("red-owner", "GIT_USER", `carol:${PASSWORD}`);
  await setSecret("red-owner", "GIT_WRONG", WRONG);
  await setSecret("red-owner", "GIT_MAIN_ONLY", TOKEN, { branches: ["main"] });
  await setSecret("blue-owner", "BLUE_TOKEN", TOKEN);
});
after(async () => {
  await t?.close();
  await tokenServer?.close();
  await userServer?.close();
  await source?.cleanup();
});

void describe("repoSecret: clone credentials are team secrets (security)", { timeout: 300_000 }, () => {
  void it("a bare-token secret clones the private repository; a re-run keeps the name; the token is nowhere", async () => {
    const submitted = await as("red-member", "POST", "/v1/runs", {
      ...submitBody(tokenServer.urlOf("private")),
      repoSecret: "GIT_TOKEN",
    });
    assert.equal(submitted.status, 201, submitted.text);
    assert.equal(submitted.json.repoSecret, "GIT_TOKEN");
    const done = await finished("red-member", submitted.json.id as string);
    assert.equal(done.state, "succeeded", JSON.stringify(done));
    const rerun = await as("red-member", "POST", `/v1/runs/${done.id}/rerun`);
    assert.equal(rerun.status, 201, rerun.text);
    assert.equal(rerun.json.repoSecret, "GIT_TOKEN", "the re-run keeps the reference");
    assert.equal((await finished("red-member", rerun.json.id as string)).state, "succeeded");
    const fetches = tokenServer.requests.filter((r) => r.path.endsWith("git-upload-pack"));
    assert.ok(fetches.filter((r) => r.authorized).length >= 2, JSON.stringify(tokenServer.requests));

    const texts = (await everythingAbout(done.id as string)) + (await everythingAbout(rerun.json.id as string));
    assert.match(texts, /remote\.origin\.url=http:\/\/127\.0\.0\.1:\d+\/private\.git/, "the step's log was read");
    assert.match(texts, /lru\.nigiro\.etomer/, "the reversed config was printed");
    // (The host's own /etc/gitconfig may name helpers of its own: only ours must be absent.)
    assert.doesNotMatch(
      texts,
      /credential\.http:\/\/127|C8S_GIT_/,
      "no credential helper or its variables reached the step",
    );
    assert.deepEqual(leaked(texts), []);

    const uses = await t.call("GET", "/v1/audit?action=secret.use&resourceId=GIT_TOKEN");
    const forRuns = (uses.json.entries as LooseJson[]).filter((e) => [done.id, rerun.json.id].includes(e.details.run));
    assert.equal(forRuns.length, 2, uses.text);
    for (const e of forRuns) assert.deepEqual([e.teamId, e.details.use], ["red", "clone"]);
  });

  void it("a username:password secret clones with that user", async () => {
    const submitted = await as("red-member", "POST", "/v1/runs", {
      ...submitBody(userServer.urlOf("private")),
      repoSecret: "GIT_USER",
    });
    assert.equal(submitted.status, 201, submitted.text);
    const done = await finished("red-member", submitted.json.id as string);
    assert.equal(done.state, "succeeded", JSON.stringify(done));
    assert.ok(userServer.requests.some((r) => r.authorized));
    assert.deepEqual(leaked(await everythingAbout(done.id as string)), []);
  });

  void it("a wrong token fails the clone, and the error shows neither it nor the URL's credential", async () => {
    const submitted = await as("red-member", "POST", "/v1/runs", {
      ...submitBody(tokenServer.urlOf("private")),
      repoSecret: "GIT_WRONG",
    });
    const done = await finished("red-member", submitted.json.id as string);
    assert.equal(done.state, "failed");
    assert.match(done.reason, /cannot clone http:\/\/127\.0\.0\.1:\d+\/private\.git/);
    assert.deepEqual(leaked(await everythingAbout(done.id as string)), []);
  });

  void it("another team's secret is refused exactly like a missing one, and nothing is queued", async () => {
    const before = (await as("red-member", "GET", "/v1/runs?limit=1000")).json.runs.length as number;
    const other = await as("red-member", "POST", "/v1/runs", {
      ...submitBody(tokenServer.urlOf("private")),
      repoSecret: "BLUE_TOKEN",
    });
    const missing = await as("red-member", "POST", "/v1/runs", {
      ...submitBody(tokenServer.urlOf("private")),
      repoSecret: "NO_SUCH_TOKEN",
    });
    for (const res of [other, missing]) {
      assert.equal(res.status, 404, res.text);
      assert.equal(res.json.error.code, "SECRET_NOT_FOUND");
    }
    const shape = (res: LooseJson, name: string) => JSON.stringify(res.json).replaceAll(name, "NAME");
    assert.equal(shape(other, "BLUE_TOKEN"), shape(missing, "NO_SUCH_TOKEN"), "no hint that it exists elsewhere");
    assert.equal((await as("red-member", "GET", "/v1/runs?limit=1000")).json.runs.length, before);
  });

  void it("a policy that excludes the run's branch is refused with its reason; the re-run of an allowed run too", async () => {
    const refused = await as("red-member", "POST", "/v1/runs", {
      ...submitBody(tokenServer.urlOf("private"), { branch: "feature" }),
      repoSecret: "GIT_MAIN_ONLY",
    });
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.json.error.code, "PERMISSION_DENIED");
    assert.match(
      refused.json.error.message,
      /repoSecret GIT_MAIN_ONLY, and its policy allows branches main and this run is of branch feature/,
    );

    const allowed = await as("red-member", "POST", "/v1/runs", {
      ...submitBody(tokenServer.urlOf("private")),
      repoSecret: "GIT_MAIN_ONLY",
    });
    assert.equal(allowed.status, 201, allowed.text);
    assert.equal((await finished("red-member", allowed.json.id as string)).state, "succeeded");
    await setSecret("red-owner", "GIT_MAIN_ONLY", TOKEN, { branches: ["release/*"] });
    const rerun = await as("red-member", "POST", `/v1/runs/${allowed.json.id}/rerun`);
    assert.equal(rerun.status, 403, rerun.text);
    assert.match(rerun.json.error.message, /allows branches release\/\* and this run is of branch main/);
  });

  void it("a token without secrets:use cannot name one (before any look-up: a missing name is refused alike)", async () => {
    for (const name of ["GIT_TOKEN", "NO_SUCH_TOKEN"]) {
      const res = await as("red-norun", "POST", "/v1/runs", {
        ...submitBody(tokenServer.urlOf("private")),
        repoSecret: name,
      });
      assert.equal(res.status, 403, res.text);
      assert.equal(res.json.error.code, "PERMISSION_DENIED");
      assert.match(res.json.error.message, /lacks the scope 'secrets:use'/);
    }
    // The same token re-running a member's run does not inherit the member's right.
    const runs = (await as("red-member", "GET", "/v1/runs?limit=1000")).json.runs as LooseJson[];
    const withSecret = runs.find((r) => r.repoSecret === "GIT_TOKEN" && r.state === "succeeded");
    const rerun = await as("red-norun", "POST", `/v1/runs/${withSecret.id}/rerun`);
    assert.equal(rerun.status, 403, rerun.text);
    assert.match(rerun.json.error.message, /secrets:use/);
  });

  void it("an ssh:// URL or a URL with its own credential cannot take a repoSecret", async () => {
    for (const repoUrl of [
      "ssh://git@127.0.0.1/private.git",
      "git@127.0.0.1:private.git",
      tokenServer.urlOf("private").replace("http://", `http://x-access-token:${TOKEN}@`),
    ]) {
      const res = await as("red-member", "POST", "/v1/runs", { ...submitBody(repoUrl), repoSecret: "GIT_TOKEN" });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.error.code, "INVALID_ARGUMENT");
      assert.match(res.json.error.message, /only https:\/\/|credential of its own/);
    }
  });

  void it("a policy changed while the run is queued fails it before the clone", async () => {
    await setSecret("green-owner", "GREEN_TOKEN", TOKEN);
    const yaml = "version: v1alpha1\nname: hold\nsteps:\n  - name: hold\n    commands: [sleep 30]\n";
    // The team runs one at a time: the second run waits in the queue behind this one.
    const hold = await as("green-owner", "POST", "/v1/runs", { repoUrl: source.url, pipelineYaml: yaml });
    assert.equal(hold.status, 201, hold.text);
    const requestsBefore = tokenServer.requests.length;
    const queued = await as("green-owner", "POST", "/v1/runs", {
      ...submitBody(tokenServer.urlOf("private")),
      repoSecret: "GREEN_TOKEN",
    });
    assert.equal(queued.status, 201, queued.text);
    assert.equal(queued.json.state, "queued");
    await setSecret("green-owner", "GREEN_TOKEN", TOKEN, { branches: ["release/*"] });
    assert.equal((await as("green-owner", "POST", `/v1/runs/${hold.json.id}/cancel`)).status, 200);
    const done = await finished("green-owner", queued.json.id as string);
    assert.equal(done.state, "failed");
    assert.match(done.reason, /repoSecret GREEN_TOKEN, and its policy allows branches release\/\*/);
    assert.equal(tokenServer.requests.length, requestsBefore, "nothing was fetched");
  });

  void it("no response seen and no file in the server's home holds a value", async () => {
    assert.deepEqual(leaked(seen.join("\n")), []);
    assert.deepEqual(await filesContaining(t.home, needles), []);
  });
});
