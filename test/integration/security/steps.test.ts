/**
 * Pipeline steps whose code sabotages its own exec (issue 8, finding 5): a step that keeps its
 * shim stopped must still end at its timeout, be cancellable, and give its run slot back. Real
 * server, real local runtime, real git. A new sabotage is one more row.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { startPipelineServer, type PipelineTestServer } from "../../fixtures/pipelines-server.ts";

/** A step command that stops its exec's shim over and over, then sleeps far past any limit. */
const STOP_SHIM = `shim=$PPID; (while :; do kill -STOP $shim 2>/dev/null; done) & sleep 600`;
const pipeline = (name: string, step: string): string =>
  `version: v1alpha1\nname: ${name}\nsteps:\n  - name: s\n${step}`;

let t: PipelineTestServer;
let repo: TestRepository;

before(async () => {
  repo = await createTestRepository({ "README.md": "x\n" });
  await repo.commit({ "README.md": "x\n" });
  t = await startPipelineServer();
});
after(async () => {
  await t.close();
  await repo.cleanup();
});

async function healthy(): Promise<void> {
  const res = await fetch(`${t.url}/healthz`);
  assert.equal(res.status, 200);
}

const cases: Array<{ name: string; attack: () => Promise<void> }> = [
  {
    name: "a step with timeout 3s that keeps its shim stopped fails at its timeout",
    attack: async () => {
      const yaml = pipeline("stopped-timeout", `    timeout: 3s\n    commands: ["${STOP_SHIM}"]\n`);
      const started = Date.now();
      const run = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, pipelineYaml: yaml } });
      assert.equal(run.status, 201, run.text);
      const done = await t.waitForRun(run.json.id, ["succeeded", "failed", "cancelled"], 20_000);
      assert.equal(done.state, "failed");
      assert.ok(Date.now() - started < 20_000);
      const step = done.steps.find((s: { name: string }) => s.name === "s");
      assert.match(JSON.stringify(step), /timeout|timed out/i);
    },
  },
  {
    name: "cancelling a run whose step keeps its shim stopped ends it",
    attack: async () => {
      const yaml = pipeline("stopped-cancel", `    commands: ["${STOP_SHIM}"]\n`);
      const run = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, pipelineYaml: yaml } });
      await t.waitForRun(run.json.id, ["running"], 20_000);
      await new Promise((r) => setTimeout(r, 500));
      const cancelled = await t.call("POST", `/v1/runs/${run.json.id}/cancel`);
      assert.equal(cancelled.status, 200, cancelled.text);
      const done = await t.waitForRun(run.json.id, ["succeeded", "failed", "cancelled"], 15_000);
      assert.equal(done.state, "cancelled");
    },
  },
  {
    name: "four such runs at once do not hold the run slots: an ordinary run after them succeeds",
    attack: async () => {
      const yaml = pipeline("stopped-slots", `    timeout: 2s\n    commands: ["${STOP_SHIM}"]\n`);
      const runs = await Promise.all(
        [1, 2, 3, 4].map(() => t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, pipelineYaml: yaml } })),
      );
      const quick = pipeline("after", `    commands: ["echo fine"]\n`);
      const next = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, pipelineYaml: quick } });
      const done = await t.waitForRun(next.json.id, ["succeeded", "failed", "cancelled"], 40_000);
      assert.equal(done.state, "succeeded");
      for (const r of runs) assert.equal((await t.waitForRun(r.json.id, ["failed"], 20_000)).state, "failed");
    },
  },
];

void describe("pipeline steps that sabotage their own exec (security)", () => {
  for (const c of cases) {
    void it(c.name, async () => {
      await c.attack();
      await healthy();
    });
  }
});
