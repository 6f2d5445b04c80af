/**
 * Security: which repositories a server run may clone (c8s issue 10), against real servers
 * (startC8s with PGlite and the local runtime), a real file:// repository and a real git
 * smart-HTTP server on 127.0.0.1 that records every request. Each row is one URL an API caller
 * or a webhook could hand the server to make it read its own disk or reach its own network.
 *
 * Default policy: every row is refused at submit with 422 REPO_URL_FORBIDDEN (no credential in
 * the error), no run is created, nothing is cloned (the HTTP server sees no request, `ext::`
 * runs no command). A webhook is refused the same way and its delivery is not recorded. A run
 * queued under `allowLocalRepos` and executed after a restart without it fails before cloning;
 * its re-run is refused. With `allowLocalRepos` the local rows are accepted and clone.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { type GitHttpServer, startGitHttpServer } from "../../fixtures/git-http.ts";
import { type LooseJson, type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";

const CREDENTIAL = { username: "ci-bot", password: "s3cret-t0ken" };
const GITHUB_SECRET = "clone-policy-webhook-secret";
const PIPELINE = `version: v1alpha1\nname: policy\nsteps:\n  - name: build\n    commands: [echo built]\n`;

interface Ctx {
  repo: TestRepository;
  http: GitHttpServer;
  /** `http://127.0.0.1:port`, the git HTTP server's origin. */
  httpOrigin: string;
  port: number;
  /** A file `ext::` would create if git ran its command. */
  marker: string;
}

interface Row {
  name: string;
  url: (ctx: Ctx) => string;
  /** With allowLocalRepos: the state the run ends in (rows without it are not submitted there). */
  local?: "succeeded" | "failed";
}

const rows: Row[] = [
  { name: "file:// of the server's disk", url: (c) => c.repo.url, local: "succeeded" },
  { name: "a plain path", url: (c) => c.repo.dir, local: "succeeded" },
  {
    name: "http:// with a credential to a loopback git server",
    url: (c) => `http://${CREDENTIAL.username}:${CREDENTIAL.password}@127.0.0.1:${c.port}/repo.git`,
    local: "succeeded",
  },
  { name: "https:// to 127.0.0.1", url: (c) => `https://127.0.0.1:${c.port}/repo.git`, local: "failed" },
  { name: "https:// to 2130706433 (decimal 127.0.0.1)", url: (c) => `https://2130706433:${c.port}/repo.git` },
  { name: "https:// to 0x7f.1 (hex 127.0.0.1)", url: (c) => `https://0x7f.1:${c.port}/repo.git` },
  { name: "https:// to [::ffff:127.0.0.1]", url: (c) => `https://[::ffff:127.0.0.1]:${c.port}/repo.git` },
  { name: "https:// to [::1]", url: (c) => `https://[::1]:${c.port}/repo.git` },
  { name: "https:// to localhost", url: (c) => `https://localhost:${c.port}/repo.git` },
  { name: "https:// to cloud metadata", url: () => "https://169.254.169.254/latest/meta-data/" },
  { name: "https:// to a private address", url: () => "https://10.0.0.1/team/repo.git" },
  { name: "https:// to CGNAT", url: () => "https://100.64.0.1/team/repo.git" },
  { name: "ssh:// to loopback", url: () => "ssh://git@127.0.0.1/repo.git" },
  { name: "scp-style to localhost", url: () => "git@localhost:repo.git" },
  { name: "git:// (no transport security)", url: (c) => `git://127.0.0.1:${c.port}/repo.git` },
  { name: "http:// to a public name", url: () => "http://github.com/c8s/c8s.git" },
  { name: "ext:: (runs a command)", url: (c) => `ext::sh -c touch% ${c.marker}`, local: "failed" },
  { name: "a backslash between parsers", url: (c) => `https://github.com\\@127.0.0.1:${c.port}/repo.git` },
];

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function sign(body: string): string {
  return `sha256=${createHmac("sha256", GITHUB_SECRET).update(body).digest("hex")}`;
}

function assertForbidden(res: { status: number; json: LooseJson; text: string }): void {
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json?.error?.code, "REPO_URL_FORBIDDEN", res.text);
  assert.equal(res.json?.error?.details?.field, "repoUrl", res.text);
  assert.match(String(res.json?.error?.hint), /--allow-local-repos/);
  assert.ok(!res.text.includes(CREDENTIAL.password), `the credential leaked: ${res.text}`);
}

let ctx: Ctx;
let scratch: string;

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), "c8s-clone-policy-"));
  const repo = await createTestRepository({ ".c8s.yaml": PIPELINE });
  const http = await startGitHttpServer({ repo: repo.dir }, CREDENTIAL);
  const origin = new URL(http.urlOf("repo")).origin;
  ctx = { repo, http, httpOrigin: origin, port: Number(new URL(origin).port), marker: join(scratch, "ext-ran") };
});

after(async () => {
  await ctx?.http.close();
  await ctx?.repo.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

void describe("clone policy: the default refuses local and private repositories", { timeout: 120_000 }, () => {
  let c8s: PipelineTestServer;
  before(async () => {
    c8s = await startPipelineServer({
      config: { allowLocalRepos: false },
      start: { pipelines: { githubWebhookSecret: GITHUB_SECRET } },
    });
  });
  after(async () => c8s?.close());

  for (const row of rows)
    void it(`POST /v1/runs refuses ${row.name}`, async () => {
      const before = ctx.http.requests.length;
      const res = await c8s.call("POST", "/v1/runs", { body: { repoUrl: row.url(ctx) } });
      assertForbidden(res);
      assert.equal((await c8s.call("GET", "/v1/runs")).json.runs.length, 0, "no run was created");
      assert.equal(ctx.http.requests.length, before, "the git server saw no request");
      assert.equal(await exists(ctx.marker), false, "ext:: ran no command");
      assert.equal((await c8s.call("GET", "/healthz", { token: null })).status, 200);
    });

  void it("a webhook with a refused clone URL answers 422 and does not record the delivery", async () => {
    const requestsBefore = ctx.http.requests.length;
    const body = JSON.stringify({
      ref: "refs/heads/main",
      after: ctx.repo.commits[0],
      repository: { clone_url: `http://${CREDENTIAL.username}:${CREDENTIAL.password}@127.0.0.1:${ctx.port}/repo.git` },
    });
    const deliver = () =>
      c8s.call("POST", "/v1/webhooks/github", {
        raw: body,
        token: null,
        headers: { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": sign(body) },
      });
    assertForbidden(await deliver());
    // Not recorded: the same delivery again is refused again, not a duplicate.
    assertForbidden(await deliver());
    assert.equal((await c8s.call("GET", "/v1/runs")).json.runs.length, 0);
    assert.equal(ctx.http.requests.length, requestsBefore);
  });

  void it("a public https:// URL is accepted (and fails to clone here, offline)", async () => {
    const res = await c8s.call("POST", "/v1/runs", {
      body: { repoUrl: "https://git.example.invalid/team/repo.git", pipelineYaml: PIPELINE },
    });
    assert.equal(res.status, 201, res.text);
    const run = await c8s.waitForRun(res.json.id, ["failed"], 60_000);
    assert.match(String(run.reason), /cannot clone https:\/\/git\.example\.invalid/);
  });
});

void describe("clone policy: allowLocalRepos (local development)", { timeout: 180_000 }, () => {
  let c8s: PipelineTestServer;
  before(async () => {
    c8s = await startPipelineServer({ config: { allowLocalRepos: true } });
  });
  after(async () => c8s?.close());

  for (const row of rows.filter((r) => r.local !== undefined))
    void it(`accepts ${row.name} (the run ${row.local})`, async () => {
      const res = await c8s.call("POST", "/v1/runs", { body: { repoUrl: row.url(ctx), pipelineYaml: PIPELINE } });
      assert.equal(res.status, 201, res.text);
      const run = await c8s.waitForRun(res.json.id, ["succeeded", "failed"], 90_000);
      assert.equal(run.state, row.local, JSON.stringify(run));
      if (row.local === "failed") assert.match(String(run.reason), /cannot clone/);
    });

  void it("git itself still refuses ext:: (GIT_ALLOW_PROTOCOL): no command ran", async () => {
    assert.equal(await exists(ctx.marker), false);
    assert.ok(
      ctx.http.requests.some((r) => r.authorized),
      "the http:// row cloned from the loopback server",
    );
  });
});

void describe("clone policy: checked again at clone time", { timeout: 180_000 }, () => {
  void it("a run queued while local repositories were allowed fails uncloned after a restart without it; its re-run is refused", async () => {
    const home = await mkdtemp(join(tmpdir(), "c8s-clone-policy-home-"));
    try {
      const url = `http://${CREDENTIAL.username}:${CREDENTIAL.password}@127.0.0.1:${ctx.port}/repo.git`;
      const lax = await startPipelineServer({
        home,
        config: { allowLocalRepos: true },
        start: { pipelines: { queue: { maxRuns: 1, maxRunsPerPipeline: 1 } } },
      });
      let first: LooseJson;
      let queued: LooseJson;
      try {
        const slow = PIPELINE.replace("[echo built]", "[sleep 60]");
        first = (await lax.call("POST", "/v1/runs", { body: { repoUrl: ctx.repo.url, pipelineYaml: slow } })).json;
        await lax.waitForRun(first.id, ["running"], 60_000);
        const res = await lax.call("POST", "/v1/runs", { body: { repoUrl: url, pipelineYaml: PIPELINE } });
        assert.equal(res.status, 201, res.text);
        queued = res.json;
        assert.equal((await lax.call("GET", `/v1/runs/${queued.id}`)).json.state, "queued");
      } finally {
        await lax.close();
      }
      const requestsBefore = ctx.http.requests.length;
      const strict = await startPipelineServer({ home, config: { allowLocalRepos: false } });
      try {
        const run = await strict.waitForRun(queued.id, ["succeeded", "failed"], 60_000);
        assert.equal(run.state, "failed", JSON.stringify(run));
        assert.match(String(run.reason), /does not clone http:\/\/\*\*\*@127\.0\.0\.1/);
        assert.ok(!String(run.reason).includes(CREDENTIAL.password), run.reason);
        assert.equal(ctx.http.requests.length, requestsBefore, "nothing was cloned");
        assertForbidden(await strict.call("POST", `/v1/runs/${first.id}/rerun`));
      } finally {
        await strict.close();
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
