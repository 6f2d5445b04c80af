/**
 * One lifecycle: a run's step and service sandboxes are the engine's workloads. Through a real
 * server on the local runtime they are listed with their purpose and run/step
 * (`GET /v1/sandboxes?run=`), counted in /metrics, ended when the run ends — and a token
 * without the admin scope may read their records but not enter them (they hold the run's secrets).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";

const PIPELINE = `version: v1alpha1
name: workloads
services:
  - name: cache
    commands: ["sleep 300"]
steps:
  - name: build
    commands: ["echo built > built.txt"]
  - name: test
    dependsOn: [build]
    commands: ["test -f built.txt"]
`;

let t: PipelineTestServer;
let repo: TestRepository;

before(async () => {
  repo = await createTestRepository({ ".c8s.yaml": PIPELINE });
  t = await startPipelineServer({});
});
after(async () => {
  await t?.close();
  await repo?.cleanup();
});

interface Listed {
  id: string;
  purpose: string;
  runId: string | null;
  step: string | null;
  state: string;
  terminationReason: string | null;
}

void test("a run's step and service sandboxes are listed by run and purpose, counted in /metrics, and ended", async () => {
  const created = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, branch: "main", event: "push" } });
  assert.equal(created.status, 201, created.text);
  const runId = created.json.id as string;
  const done = await t.waitForRun(runId, ["succeeded", "failed", "cancelled"]);
  assert.equal(done.state, "succeeded", JSON.stringify(done));

  const listed = await t.call("GET", `/v1/sandboxes?run=${runId}`);
  assert.equal(listed.status, 200, listed.text);
  const sandboxes = (listed.json.sandboxes as Listed[]).map((s) => [s.purpose, s.runId, s.step, s.state]).sort();
  assert.deepEqual(sandboxes, [
    ["service", runId, "cache", "terminated"],
    ["step", runId, "build", "terminated"],
    ["step", runId, "test", "terminated"],
  ]);
  const steps = await t.call("GET", `/v1/sandboxes?run=${runId}&purpose=step`);
  assert.deepEqual((steps.json.sandboxes as Listed[]).map((s) => s.step).sort(), ["build", "test"]);
  const users = await t.call("GET", "/v1/sandboxes?purpose=sandbox&state=running,terminated");
  assert.ok((users.json.sandboxes as Listed[]).every((s) => s.runId === null));
  const bad = await t.call("GET", "/v1/sandboxes?purpose=pipeline");
  assert.equal(bad.status, 400, bad.text);

  // Lifecycle events and metrics see them like any sandbox.
  const events = await t.call("GET", `/v1/sandboxes/${(listed.json.sandboxes as Listed[])[0]?.id ?? ""}`);
  assert.equal(events.status, 200);
  let metrics = "";
  for (let i = 0; i < 100 && !/c8s_sandboxes_created_total\{purpose="step"\} [2-9]/.test(metrics); i++) {
    metrics = (await t.call("GET", "/metrics", { token: null })).text;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(metrics, /^c8s_sandboxes_created_total\{purpose="step"\} [2-9]\d*$/m);
  assert.match(metrics, /^c8s_sandboxes_created_total\{purpose="service"\} [1-9]\d*$/m);
});

void test("a token without the admin scope reads a step sandbox's record but may not enter or destroy it", async () => {
  const created = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, branch: "main", event: "push" } });
  const runId = created.json.id as string;
  await t.waitForRun(runId, ["succeeded", "failed", "cancelled"]);
  const minted = await t.call("POST", "/v1/tokens", { body: { name: "user", scopes: ["sandboxes"] } });
  assert.equal(minted.status, 201, minted.text);
  const user = minted.json.token as string;
  const step = ((await t.call("GET", `/v1/sandboxes?run=${runId}&purpose=step`)).json.sandboxes as Listed[])[0];
  assert.ok(step !== undefined);
  assert.equal((await t.call("GET", `/v1/sandboxes/${step.id}`, { token: user })).status, 200);
  for (const [method, path, body] of [
    ["POST", `/v1/sandboxes/${step.id}/exec`, { command: ["env"] }],
    ["GET", `/v1/sandboxes/${step.id}/files?path=/workspace`, undefined],
    ["GET", `/v1/sandboxes/${step.id}/execs`, undefined],
    ["DELETE", `/v1/sandboxes/${step.id}`, undefined],
  ] as const) {
    const res = await t.call(method, path, { token: user, ...(body === undefined ? {} : { body }) });
    assert.equal(res.status, 403, `${method} ${path}: ${res.text}`);
    assert.equal(res.json.error.code, "PERMISSION_DENIED");
  }
});
