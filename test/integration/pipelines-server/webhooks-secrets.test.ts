/**
 * Webhooks and secrets through the real server: GitHub deliveries signed with the real
 * HMAC-SHA256 in the test, de-duplicated by delivery id, refused on a bad signature or an
 * oversize body; GitLab tokens; secrets encrypted at rest under a 0600 key file.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";

const GITHUB_SECRET = "gh-webhook-secret";
const GITLAB_SECRET = "gl-webhook-token";
let t: PipelineTestServer;
let repo: TestRepository;

before(async () => {
  repo = await createTestRepository({
    ".c8s.yaml": `version: v1alpha1\nname: hooked\nsteps:\n  - name: build\n    commands: [echo built]\n`,
  });
  t = await startPipelineServer({
    start: {
      pipelines: {
        githubWebhookSecret: GITHUB_SECRET,
        gitlabWebhookSecret: GITLAB_SECRET,
        webhookMaxBodyBytes: 64 * 1024,
      },
    },
  });
});
after(async () => {
  await t?.close();
  await repo?.cleanup();
});

function sign(body: string, secret = GITHUB_SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

function github(body: string, headers: Record<string, string>) {
  return t.call("POST", "/v1/webhooks/github", {
    raw: body,
    token: null,
    headers: { "content-type": "application/json", "x-github-event": "push", ...headers },
  });
}

void describe("webhooks", () => {
  void it("a signed GitHub push queues a run at that commit; the same delivery again is a duplicate", async () => {
    const body = JSON.stringify({
      ref: "refs/heads/main",
      after: repo.commits[0],
      repository: { clone_url: repo.url },
    });
    const res = await github(body, { "x-hub-signature-256": sign(body), "x-github-delivery": "delivery-1" });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.accepted, true);
    const run = await t.waitForRun(res.json.runId, ["succeeded", "failed"]);
    assert.equal(run.state, "succeeded", JSON.stringify(run));
    assert.equal(run.commit, repo.commits[0]);
    assert.equal(run.event, "push");
    assert.equal(run.trigger.deliveryId, "delivery-1");
    const again = await github(body, { "x-hub-signature-256": sign(body), "x-github-delivery": "delivery-1" });
    assert.deepEqual(again.json, { accepted: false, duplicate: true, runId: res.json.runId });
  });

  void it("refuses a bad signature with 401 WEBHOOK_SIGNATURE_INVALID and an oversize body with 413", async () => {
    const body = JSON.stringify({
      ref: "refs/heads/main",
      after: repo.commits[0],
      repository: { clone_url: repo.url },
    });
    const wrong = await github(body, {
      "x-hub-signature-256": sign(body, "not-the-secret"),
      "x-github-delivery": "d-2",
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error.code, "WEBHOOK_SIGNATURE_INVALID");
    const tampered = await github(`${body} `, { "x-hub-signature-256": sign(body), "x-github-delivery": "d-3" });
    assert.equal(tampered.status, 401);
    const missing = await github(body, { "x-github-delivery": "d-4" });
    assert.equal(missing.status, 401);
    const big = JSON.stringify({ padding: "x".repeat(100 * 1024) });
    const tooLarge = await github(big, { "x-hub-signature-256": sign(big), "x-github-delivery": "d-5" });
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.json.error.code, "PAYLOAD_TOO_LARGE");
  });

  void it("ignores pings and closed pull requests; queues opened ones", async () => {
    const ping = JSON.stringify({ zen: "hi" });
    const pong = await github(ping, { "x-github-event": "ping", "x-hub-signature-256": sign(ping) });
    assert.equal(pong.json.ignored, "ping");
    const pr = (action: string) =>
      JSON.stringify({
        action,
        pull_request: { head: { sha: repo.commits[0], repo: { clone_url: repo.url } }, base: { ref: "main" } },
        repository: { clone_url: repo.url },
      });
    const closed = await github(pr("closed"), {
      "x-github-event": "pull_request",
      "x-hub-signature-256": sign(pr("closed")),
    });
    assert.equal(closed.json.accepted, false);
    const opened = await github(pr("opened"), {
      "x-github-event": "pull_request",
      "x-hub-signature-256": sign(pr("opened")),
    });
    assert.equal(opened.json.accepted, true);
    const run = await t.waitForRun(opened.json.runId, ["succeeded", "failed"]);
    assert.equal(run.event, "pull_request");
    assert.equal(run.branch, "main");
  });

  void it("GitLab: a push with the right X-Gitlab-Token queues a run; a wrong token is 401", async () => {
    const body = JSON.stringify({
      object_kind: "push",
      ref: "refs/heads/main",
      checkout_sha: repo.commits[0],
      project: { git_http_url: repo.url },
    });
    const headers = { "content-type": "application/json", "x-gitlab-event": "Push Hook" };
    const wrong = await t.call("POST", "/v1/webhooks/gitlab", {
      raw: body,
      token: null,
      headers: { ...headers, "x-gitlab-token": "nope" },
    });
    assert.equal(wrong.status, 401);
    const ok = await t.call("POST", "/v1/webhooks/gitlab", {
      raw: body,
      token: null,
      headers: { ...headers, "x-gitlab-token": GITLAB_SECRET, "x-gitlab-event-uuid": "gl-1" },
    });
    assert.equal(ok.json.accepted, true, ok.text);
    assert.equal((await t.waitForRun(ok.json.runId, ["succeeded", "failed"])).state, "succeeded");
  });

  void it("a team at its stored-bytes quota: 429 QUOTA_EXCEEDED, not recorded, so a redelivery runs once raised", async () => {
    const quota = (maxStoredBytes: number | null) =>
      fetch(`${t.url}/v1/teams/default`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" },
        body: JSON.stringify({ quotas: { maxStoredBytes } }),
      });
    assert.equal((await quota(1)).status, 200);
    const stored = (await t.call("GET", "/v1/teams/default")).json.usage.storedBytes as number;
    assert.ok(stored > 0, "the runs above stored their logs");
    const body = JSON.stringify({
      ref: "refs/heads/main",
      after: repo.commits[0],
      repository: { clone_url: repo.url },
      q: 1,
    });
    const headers = { "x-hub-signature-256": sign(body), "x-github-delivery": "d-quota" };
    const refused = await github(body, headers);
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.json.error.code, "QUOTA_EXCEEDED");
    assert.deepEqual(refused.json.error.details, { team: "default", quota: "storedBytes", limit: 1, current: stored });
    assert.equal((await quota(null)).status, 200);
    const redelivered = await github(body, headers);
    assert.equal(redelivered.json.accepted, true, redelivered.text);
    assert.equal((await t.waitForRun(redelivered.json.runId, ["succeeded", "failed"])).state, "succeeded");
  });
});

void describe("secrets", () => {
  void it("are listed by name only, encrypted at rest under a 0600 key, and deletable", async () => {
    const set = await t.call("POST", "/v1/secrets", { body: { name: "API_KEY", value: "plain-value-123" } });
    assert.equal(set.status, 201);
    assert.equal(set.json.value, undefined);
    const list = await t.call("GET", "/v1/secrets");
    assert.deepEqual(
      list.json.secrets.map((s: { name: string }) => s.name),
      ["API_KEY"],
    );
    assert.doesNotMatch(list.text, /plain-value-123/);
    assert.equal((await stat(join(t.home, "secrets.key"))).mode & 0o777, 0o600);
    const bad = await t.call("POST", "/v1/secrets", { body: { name: "no-dashes", value: "x" } });
    assert.equal(bad.status, 400);
    const gone = await t.call("DELETE", "/v1/secrets/API_KEY");
    assert.equal(gone.status, 204);
    assert.equal((await t.call("DELETE", "/v1/secrets/API_KEY")).status, 404);
    assert.equal((await t.call("GET", "/v1/secrets", { token: null })).status, 401);
  });
});
