/**
 * Issue 10, "secrets with a boundary": a pull request from a fork (GitHub and GitLab payloads,
 * really signed) runs without the repository's secrets — a step naming one fails saying why,
 * and its value reaches no log — and each secret's own policy (events, branches, repositories)
 * decides which runs get it. One row per case; the run's outcome and reason are checked.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { type LooseJson, type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";

const GITHUB_SECRET = "policy-gh-secret";
const GITLAB_SECRET = "policy-gl-token";
const VALUE = "s3cr3t-deploy-value-81f2";
const TERMINAL = ["succeeded", "failed", "cancelled", "skipped"];
let t: PipelineTestServer;
let repo: TestRepository;
let nonce = 0;

before(async () => {
  repo = await createTestRepository({
    ".c8s.yaml":
      "version: v1alpha1\nname: policy\nsteps:\n" +
      '  - name: deploy\n    secrets: [DEPLOY_TOKEN]\n    commands: [\'test -n "$DEPLOY_TOKEN" && echo "$DEPLOY_TOKEN" | rev\']\n',
  });
  t = await startPipelineServer({
    start: { pipelines: { githubWebhookSecret: GITHUB_SECRET, gitlabWebhookSecret: GITLAB_SECRET } },
  });
});
after(async () => {
  await t?.close();
  await repo?.cleanup();
});

async function setSecret(policy?: LooseJson): Promise<void> {
  const res = await t.call("POST", "/v1/secrets", {
    body: { name: "DEPLOY_TOKEN", value: VALUE, ...(policy ? { policy } : {}) },
  });
  assert.equal(res.status, 201, res.text);
  assert.deepEqual(res.json.policy, policy ?? null);
}

/** A GitHub pull_request body: the head in `headRepo` (a fork when it is not the base; null: a deleted fork). */
function githubPr(headRepo: string | null, baseRepo = "acme/app"): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    action: "opened",
    number: ++nonce,
    pull_request: {
      head: {
        sha: repo.commits[0],
        ref: "feature",
        repo: headRepo === null ? null : { full_name: headRepo, clone_url: repo.url },
      },
      base: { ref: "main", repo: { full_name: baseRepo, clone_url: repo.url } },
    },
    repository: { full_name: baseRepo, clone_url: repo.url },
  });
  const signature = `sha256=${createHmac("sha256", GITHUB_SECRET).update(body).digest("hex")}`;
  return { body, headers: { "x-github-event": "pull_request", "x-hub-signature-256": signature } };
}

function githubPush(branch: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    ref: `refs/heads/${branch}`,
    after: repo.commits[0],
    before: `nonce-${++nonce}`,
    repository: { full_name: "acme/app", clone_url: repo.url },
  });
  const signature = `sha256=${createHmac("sha256", GITHUB_SECRET).update(body).digest("hex")}`;
  return { body, headers: { "x-github-event": "push", "x-hub-signature-256": signature } };
}

function gitlabMr(sourceProject: number, targetProject = 7): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    object_kind: "merge_request",
    project: { id: targetProject, git_http_url: repo.url },
    object_attributes: {
      action: "open",
      iid: ++nonce,
      source_project_id: sourceProject,
      target_project_id: targetProject,
      target_branch: "main",
      last_commit: { id: repo.commits[0] },
      source: { git_http_url: repo.url },
    },
  });
  return { body, headers: { "x-gitlab-event": "Merge Request Hook", "x-gitlab-token": GITLAB_SECRET } };
}

async function deliver(provider: "github" | "gitlab", hook: { body: string; headers: Record<string, string> }) {
  const res = await t.call("POST", `/v1/webhooks/${provider}`, {
    raw: hook.body,
    token: null,
    headers: { "content-type": "application/json", ...hook.headers },
  });
  assert.equal(res.json?.accepted, true, res.text);
  return t.waitForRun(res.json.runId as string, TERMINAL);
}

async function apiRun(extra: LooseJson = {}) {
  const res = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, commit: repo.commits[0], ...extra } });
  assert.equal(res.status, 201, res.text);
  return t.waitForRun(res.json.id as string, TERMINAL);
}

async function logOf(run: LooseJson): Promise<string> {
  return (await t.call("GET", `/v1/runs/${run.id}/steps/deploy/logs`)).text;
}

/**
 * The run got the secret or failed naming why not. The step prints it reversed (no masker can
 * know that form, so it shows exactly when the secret arrived); it never appears in clear.
 */
async function expectSecret(run: LooseJson, given: boolean, why?: RegExp): Promise<void> {
  const log = await logOf(run);
  assert.ok(!log.includes(VALUE), "the value reached the log in clear");
  assert.equal(log.includes([...VALUE].reverse().join("")), given, `the step ${given ? "lacked" : "had"} the secret`);
  if (given) {
    assert.equal(run.state, "succeeded", JSON.stringify(run));
    return;
  }
  assert.equal(run.state, "failed", JSON.stringify(run));
  assert.match(String(run.reason), why ?? /DEPLOY_TOKEN/);
}

void describe("secret boundary for forks and per-secret policies (security)", { timeout: 240_000 }, () => {
  const rows: Array<{ name: string; policy?: LooseJson; run: () => Promise<LooseJson>; given: boolean; why?: RegExp }> =
    [
      {
        name: "a GitHub PR from a fork gets no secret",
        run: () => deliver("github", githubPr("mallory/app")),
        given: false,
        why: /withheld from pull requests from forks/,
      },
      {
        name: "a GitHub PR from a branch of the same repository gets it",
        run: () => deliver("github", githubPr("acme/app")),
        given: true,
      },
      {
        name: "a GitHub PR without a head repository (deleted fork) counts as a fork",
        run: () => deliver("github", githubPr(null)),
        given: false,
        why: /forks/,
      },
      {
        name: "a GitLab MR from a fork project gets no secret",
        run: () => deliver("gitlab", gitlabMr(99)),
        given: false,
        why: /forks/,
      },
      { name: "a GitLab MR inside the project gets it", run: () => deliver("gitlab", gitlabMr(7)), given: true },
      {
        name: "a policy with forks: true lets a fork PR have it",
        policy: { forks: true },
        run: () => deliver("github", githubPr("mallory/app")),
        given: true,
      },
      {
        name: "events [push]: a signed push gets it",
        policy: { events: ["push"] },
        run: () => deliver("github", githubPush("main")),
        given: true,
      },
      {
        name: "events [push]: an API run claiming push counts as manual",
        policy: { events: ["push"] },
        run: () => apiRun({ event: "push", branch: "main" }),
        given: false,
        why: /count as manual/,
      },
      {
        name: "branches [main, release/*]: a push to feature is refused",
        policy: { branches: ["main", "release/*"] },
        run: () => deliver("github", githubPush("feature")),
        given: false,
        why: /branches main, release\/\* and this run is of branch feature/,
      },
      {
        name: "branches [main, release/*]: a push to release/1 gets it",
        policy: { branches: ["main", "release/*"] },
        run: () => deliver("github", githubPush("release/1")),
        given: true,
      },
      {
        name: "repos: a run of another repository is refused",
        policy: { repos: ["https://github.com/acme/*"] },
        run: () => apiRun(),
        given: false,
        why: /repositories https:\/\/github.com\/acme/,
      },
    ];
  for (const row of rows) {
    void it(row.name, async () => {
      await setSecret(row.policy);
      await expectSecret(await row.run(), row.given, row.why);
    });
  }

  void it("a re-run of a fork PR's run is still a fork run: no secret", async () => {
    await setSecret();
    const first = await deliver("github", githubPr("mallory/app"));
    assert.equal(first.trigger.fork, true);
    const res = await t.call("POST", `/v1/runs/${first.id}/rerun`);
    assert.equal(res.status, 201, res.text);
    const rerun = await t.waitForRun(res.json.id as string, TERMINAL);
    assert.equal(rerun.trigger.fork, true);
    await expectSecret(rerun, false, /forks/);
  });

  void it("a policy is validated: unknown keys and events are 400, and listing shows it, never the value", async () => {
    const bad = await t.call("POST", "/v1/secrets", {
      body: { name: "X", value: "v", policy: { events: ["deploy"] } },
    });
    assert.equal(bad.status, 400, bad.text);
    const unknown = await t.call("POST", "/v1/secrets", {
      body: { name: "X", value: "v", policy: { refs: ["main"] } },
    });
    assert.equal(unknown.status, 400, unknown.text);
    await setSecret({ events: ["push", "tag"], branches: ["main"] });
    const list = await t.call("GET", "/v1/secrets");
    assert.deepEqual(list.json.secrets.find((s: LooseJson) => s.name === "DEPLOY_TOKEN").policy, {
      events: ["push", "tag"],
      branches: ["main"],
    });
    assert.ok(!list.text.includes(VALUE));
  });
});
