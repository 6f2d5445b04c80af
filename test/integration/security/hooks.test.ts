/**
 * Team hooks (issue 10: "webhook configuration belongs to a team"; "git credentials for a
 * repository are secrets with the same boundary"): a team owner registers a repository's
 * webhook; a delivery signed with the hook's own secret starts a run in that team, cloning a
 * private repository over real smart HTTP with the team's secret. Another team cannot read,
 * delete or use the hook; an unknown hook looks exactly like a wrong signature; a delivery
 * about another repository, or a fork's pull request the credential's policy refuses, is
 * refused before anything is recorded; the hook's secret is shown once and never again.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { startGitHttpServer, type GitHttpServer } from "../../fixtures/git-http.ts";
import { type LooseJson, type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";

const TOKEN = "ghs_hk4Wq9-never-shown-63a";
const TERMINAL = ["succeeded", "failed", "cancelled", "skipped", "timed-out"];

let t: PipelineTestServer;
let source: TestRepository;
let git: GitHttpServer;
const tokens: Record<string, string> = {};
/** Every response seen after creation: none may hold a hook's secret. */
const seen: string[] = [];
const hookSecrets: string[] = [];

async function as(who: string | null, method: "GET" | "POST" | "DELETE", path: string, body?: unknown) {
  const res = await t.call(method, path, {
    token: who === null ? null : (tokens[who] ?? null),
    ...(body === undefined ? {} : { body }),
  });
  seen.push(res.text);
  return res;
}

const sign = (body: string, secret: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

async function deliver(path: string, body: string, secret: string, event = "push") {
  const res = await t.call("POST", path, {
    raw: body,
    token: null,
    headers: { "content-type": "application/json", "x-github-event": event, "x-hub-signature-256": sign(body, secret) },
  });
  seen.push(res.text);
  return res;
}

const push = (url: string) =>
  JSON.stringify({ ref: "refs/heads/main", after: source.commits[0], repository: { clone_url: url } });

async function finished(who: string, id: string): Promise<LooseJson> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await as(who, "GET", `/v1/runs/${id}`);
    if (TERMINAL.includes(res.json?.state)) return res.json;
    if (Date.now() > deadline) throw new Error(`run ${id} stayed ${res.json?.state}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function createHook(who: string, body: LooseJson) {
  const res = await t.call("POST", "/v1/hooks", { token: tokens[who] ?? null, body });
  if (res.status === 201) hookSecrets.push(res.json.secret as string);
  return res;
}

before(async () => {
  source = await createTestRepository({
    ".c8s.yaml": "version: v1alpha1\nname: hooked\nsteps:\n  - name: build\n    commands: [git log -1 --format=%H]\n",
  });
  git = await startGitHttpServer({ private: source.dir }, { username: "x-access-token", password: TOKEN });
  t = await startPipelineServer();
  for (const team of ["red", "blue"])
    assert.equal((await t.call("POST", "/v1/teams", { body: { name: team } })).status, 201);
  const grants: [string, LooseJson][] = [
    ["red-owner", { team: "red", role: "owner" }],
    ["red-member", { team: "red", role: "member" }],
    ["red-hooksonly", { team: "red", role: "owner", scopes: ["hooks:write", "hooks:read"] }],
    ["blue-owner", { team: "blue", role: "owner" }],
  ];
  for (const [name, grant] of grants) {
    const res = await t.call("POST", "/v1/tokens", { body: { name, ...grant } });
    assert.equal(res.status, 201, res.text);
    tokens[name] = res.json.token as string;
  }
  for (const [who, name, policy] of [
    ["red-owner", "GIT_TOKEN", undefined],
    ["blue-owner", "BLUE_TOKEN", undefined],
  ] as const) {
    const res = await as(who, "POST", "/v1/secrets", { name, value: TOKEN, ...(policy ? { policy } : {}) });
    assert.equal(res.status, 201, res.text);
  }
});
after(async () => {
  await t?.close();
  await git?.close();
  await source?.cleanup();
});

void describe("team hooks (security)", { timeout: 300_000 }, () => {
  void it("a delivery to red's hook runs in red's team and clones the private repository with red's secret", async () => {
    const url = git.urlOf("private");
    const made = await createHook("red-owner", { provider: "github", repoUrl: url, repoSecret: "GIT_TOKEN" });
    assert.equal(made.status, 201, made.text);
    assert.match(made.json.id, /^hook_/);
    assert.equal(made.json.deliveryPath, `/v1/webhooks/github/${made.json.id}`);
    assert.equal(made.json.team, "red");
    const res = await deliver(made.json.deliveryPath, push(url), made.json.secret);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.accepted, true);
    const run = await finished("red-owner", res.json.runId);
    assert.equal(run.state, "succeeded", JSON.stringify(run));
    assert.equal(run.team, "red");
    assert.equal(run.trigger.hook, made.json.id);
    assert.equal(run.repoSecret, "GIT_TOKEN");
    assert.ok(git.requests.some((r) => r.path.endsWith("git-upload-pack") && r.authorized));
    assert.equal((await as("blue-owner", "GET", `/v1/runs/${run.id}`)).status, 404, "blue cannot see red's run");
    const again = await deliver(made.json.deliveryPath, push(url), made.json.secret);
    assert.deepEqual([again.json.duplicate, again.json.runId], [true, run.id]);
    const listed = await as("red-owner", "GET", "/v1/hooks");
    assert.equal(listed.json.hooks[0].lastDeliveryAt === null, false, "the hook records its last delivery");
  });

  void it("an unknown hook answers exactly like a wrong signature; a deleted hook stops taking deliveries", async () => {
    const url = git.urlOf("private");
    const made = await createHook("red-owner", { provider: "github", repoUrl: url });
    assert.equal(made.status, 201, made.text);
    const wrong = await deliver(made.json.deliveryPath, push(url), "not-the-secret");
    const unknown = await deliver("/v1/webhooks/github/hook_00000000000000000000ab", push(url), made.json.secret);
    const otherProvider = await t.call("POST", `/v1/webhooks/gitlab/${made.json.id}`, {
      raw: push(url),
      token: null,
      headers: {
        "content-type": "application/json",
        "x-gitlab-event": "Push Hook",
        "x-gitlab-token": made.json.secret,
      },
    });
    for (const res of [wrong, unknown, otherProvider]) {
      assert.equal(res.status, 401, res.text);
      assert.equal(res.json.error.code, "WEBHOOK_SIGNATURE_INVALID");
    }
    assert.equal(wrong.text, unknown.text, "an unknown id and a wrong signature look the same");
    assert.equal((await as("red-owner", "DELETE", `/v1/hooks/${made.json.id}`)).status, 204);
    assert.equal((await deliver(made.json.deliveryPath, push(url), made.json.secret)).status, 401);
  });

  void it("another repository's delivery, or a fork's pull request the credential refuses, is refused before it is recorded", async () => {
    const url = git.urlOf("private");
    const made = await createHook("red-owner", { provider: "github", repoUrl: url, repoSecret: "GIT_TOKEN" });
    const other = await deliver(made.json.deliveryPath, push("https://example.com/someone/else.git"), made.json.secret);
    assert.equal(other.status, 422, other.text);
    assert.equal(other.json.error.code, "WEBHOOK_REPO_MISMATCH");
    const fork = JSON.stringify({
      action: "opened",
      pull_request: {
        head: { sha: source.commits[0], repo: { id: 2, clone_url: url } },
        base: { ref: "main", repo: { id: 1, clone_url: url } },
      },
      repository: { id: 1, clone_url: url },
    });
    const before = (await as("red-owner", "GET", "/v1/runs?limit=1000")).json.runs.length;
    const refused = await deliver(made.json.deliveryPath, fork, made.json.secret, "pull_request");
    assert.equal(refused.status, 403, refused.text);
    assert.match(refused.json.error.message, /fork/);
    assert.equal((await as("red-owner", "GET", "/v1/runs?limit=1000")).json.runs.length, before, "nothing queued");
  });

  void it("hooks are the team's: blue cannot read, delete or create with red's secret; scopes hold", async () => {
    const made = await createHook("red-owner", { provider: "gitlab", repoUrl: git.urlOf("private") });
    assert.equal(made.status, 201, made.text);
    for (const method of ["GET", "DELETE"] as const) {
      const foreign = await as("blue-owner", method, `/v1/hooks/${made.json.id}`);
      const missing = await as("blue-owner", method, "/v1/hooks/hook_missing0000000000");
      assert.equal(foreign.status, 404, foreign.text);
      assert.equal(
        foreign.text.replaceAll(made.json.id as string, "ID"),
        missing.text.replaceAll("hook_missing0000000000", "ID"),
      );
    }
    const blueList = await as("blue-owner", "GET", "/v1/hooks");
    assert.deepEqual(blueList.json.hooks, []);
    const withRedSecret = await createHook("blue-owner", {
      provider: "github",
      repoUrl: git.urlOf("private"),
      repoSecret: "GIT_TOKEN",
    });
    assert.equal(withRedSecret.status, 404, withRedSecret.text);
    assert.equal(withRedSecret.json.error.code, "SECRET_NOT_FOUND");
    const member = await createHook("red-member", { provider: "github", repoUrl: git.urlOf("private") });
    assert.equal(member.status, 403, member.text);
    assert.equal(member.json.error.details.required, "hooks:write");
    const noUse = await createHook("red-hooksonly", {
      provider: "github",
      repoUrl: git.urlOf("private"),
      repoSecret: "GIT_TOKEN",
    });
    assert.equal(noUse.status, 403, noUse.text);
    assert.equal(noUse.json.error.details.required, "secrets:use");
    const local = await createHook("red-owner", {
      provider: "github",
      repoUrl: "ssh://git@github.com/a/b.git",
      repoSecret: "GIT_TOKEN",
    });
    assert.equal(local.status, 400, local.text);
    const bad = await createHook("red-owner", { provider: "bitbucket", repoUrl: git.urlOf("private") });
    assert.equal(bad.status, 400, bad.text);
  });

  void it("a hook's secret is shown once: no later response, list or audit entry holds one", async () => {
    seen.push((await as("red-owner", "GET", "/v1/hooks")).text, (await t.call("GET", "/v1/audit?limit=1000")).text);
    assert.ok(hookSecrets.length >= 3);
    for (const secret of hookSecrets)
      assert.equal(
        seen.some((text) => text.includes(secret)),
        false,
      );
  });
});
