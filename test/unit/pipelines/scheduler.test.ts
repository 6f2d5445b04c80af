import assert from "node:assert/strict";
import { test } from "node:test";
import { type Plan, type PlanContext, planPipeline } from "../../../src/pipelines/spec/plan.ts";
import { pipelineSchema } from "../../../src/pipelines/spec/schema.ts";
import { runPlan, type RunResult, type SchedulerEvent } from "../../../src/pipelines/runner/scheduler.ts";
import { FakeStepExecutor } from "../../fixtures/pipeline-fake-executor.ts";

const ctx: PlanContext = { event: "push", branch: "main" };
const noWait = async () => {};

function plan(steps: Record<string, unknown>[], extra: Record<string, unknown> = {}): Plan {
  return planPipeline(
    pipelineSchema.parse({
      version: "v1alpha1",
      name: "p",
      steps: steps.map((s) => ({ commands: ["true"], ...s })),
      ...extra,
    }),
    ctx,
  );
}

function states(result: RunResult): Record<string, string> {
  return Object.fromEntries(result.steps.map((s) => [s.name, s.state]));
}

const diamond = [
  { name: "a" },
  { name: "b", dependsOn: ["a"] },
  { name: "c", dependsOn: ["a"] },
  { name: "d", dependsOn: ["b", "c"] },
];

void test("a diamond runs in dependency order and succeeds", async () => {
  const executor = new FakeStepExecutor();
  const result = await runPlan(plan(diamond), executor, { sleep: noWait });
  assert.equal(result.state, "succeeded");
  assert.equal(executor.started[0], "a");
  assert.deepEqual(executor.started.slice(1, 3).sort(), ["b", "c"]);
  assert.equal(executor.started[3], "d");
  assert.ok(result.steps.every((s) => s.state === "succeeded" && s.attempts === 1 && s.durationMs !== undefined));
});

void test("every ready step starts at once, up to the concurrency limit", async () => {
  const wide = Array.from({ length: 6 }, (_, i) => ({ name: `s${i}` }));
  const all = new FakeStepExecutor();
  for (const s of wide) all.hold(s.name);
  const run = runPlan(plan(wide, { concurrency: 6 }), all, { sleep: noWait });
  await new Promise((r) => setImmediate(r));
  assert.equal(all.running, 6);
  for (const s of wide) all.release(s.name);
  assert.equal((await run).state, "succeeded");

  const limited = new FakeStepExecutor();
  for (const s of wide) limited.hold(s.name);
  const limitedRun = runPlan(plan(wide, { concurrency: 6 }), limited, { concurrency: 2, sleep: noWait });
  await new Promise((r) => setImmediate(r));
  assert.equal(limited.running, 2);
  for (const s of wide) limited.release(s.name);
  const result = await limitedRun;
  assert.equal(result.state, "succeeded");
  assert.equal(limited.maxRunning, 2);
});

void test("fail-fast: a failure cancels running steps and skips steps not started", async () => {
  const executor = new FakeStepExecutor({ b: ["fail"], c: ["hang"] });
  const result = await runPlan(plan(diamond), executor, { sleep: noWait });
  assert.equal(result.state, "failed");
  assert.match(result.reason ?? "", /'b' failed/);
  assert.deepEqual(states(result), { a: "succeeded", b: "failed", c: "cancelled", d: "skipped" });
  assert.deepEqual(executor.aborted, ["c"]);
  assert.equal(result.steps.find((s) => s.name === "b")?.exitCode, 1);
});

void test("without fail-fast, independent branches finish and dependents are skipped", async () => {
  const executor = new FakeStepExecutor({ b: ["fail"] });
  const result = await runPlan(plan([...diamond, { name: "e", dependsOn: ["c"] }]), executor, {
    failFast: false,
    sleep: noWait,
  });
  assert.equal(result.state, "failed");
  assert.deepEqual(states(result), { a: "succeeded", b: "failed", c: "succeeded", d: "skipped", e: "succeeded" });
  assert.match(result.steps.find((s) => s.name === "d")?.reason ?? "", /'b' did not succeed/);
});

void test("allowFailure: the run succeeds and dependents still run", async () => {
  const executor = new FakeStepExecutor({ b: ["fail"] });
  const steps = diamond.map((s) => (s.name === "b" ? { ...s, allowFailure: true } : s));
  const result = await runPlan(plan(steps), executor, { sleep: noWait });
  assert.equal(result.state, "succeeded");
  assert.equal(states(result)["b"], "failed");
  assert.equal(states(result)["d"], "succeeded");
});

void test("retries with backoff until success; an executor error counts as a failure", async () => {
  const executor = new FakeStepExecutor({ a: ["throw", "fail", "succeed"] });
  const waits: number[] = [];
  const events: SchedulerEvent[] = [];
  const result = await runPlan(plan([{ name: "a", retries: { count: 3, backoff: "2s", factor: 3 } }]), executor, {
    sleep: async (ms) => void waits.push(ms),
    onEvent: (e) => events.push(e),
  });
  assert.equal(result.state, "succeeded");
  assert.deepEqual(executor.started, ["a", "a#2", "a#3"]);
  assert.deepEqual(waits, [2000, 6000]);
  assert.equal(result.steps[0]?.attempts, 3);
  const retry = events.find((e) => e.type === "retry");
  assert.ok(retry?.type === "retry" && /sandbox failed to start/.test(retry.reason ?? ""));
});

void test("retries run out: the step fails after count + 1 attempts", async () => {
  const executor = new FakeStepExecutor({ a: ["fail"] });
  const result = await runPlan(plan([{ name: "a", retries: 2 }]), executor, { sleep: noWait });
  assert.equal(result.state, "failed");
  assert.deepEqual(executor.started, ["a", "a#2", "a#3"]);
});

void test("a per-step timeout aborts the attempt and marks it timed-out", async () => {
  const executor = new FakeStepExecutor({ slow: ["hang"] });
  const result = await runPlan(
    plan([
      { name: "slow", timeout: "30ms" },
      { name: "after", dependsOn: ["slow"] },
    ]),
    executor,
    {
      sleep: noWait,
    },
  );
  assert.equal(result.state, "failed");
  assert.deepEqual(states(result), { slow: "timed-out", after: "skipped" });
  assert.match(result.steps[0]?.reason ?? "", /timed out after 30 ms/);
  assert.deepEqual(executor.aborted, ["slow"]);
});

void test("the run timeout stops everything", async () => {
  const executor = new FakeStepExecutor({ a: ["hang"] });
  const result = await runPlan(plan([{ name: "a" }, { name: "b", dependsOn: ["a"] }]), executor, {
    runTimeoutMs: 30,
    sleep: noWait,
  });
  assert.equal(result.state, "timed-out");
  assert.deepEqual(states(result), { a: "cancelled", b: "skipped" });
});

void test("cancellation through the signal cancels running and not-started steps", async () => {
  const executor = new FakeStepExecutor({ a: ["hang"] });
  const controller = new AbortController();
  const run = runPlan(plan([{ name: "a" }, { name: "b", dependsOn: ["a"] }]), executor, {
    signal: controller.signal,
    sleep: noWait,
  });
  await new Promise((r) => setImmediate(r));
  controller.abort();
  const result = await run;
  assert.equal(result.state, "cancelled");
  assert.deepEqual(states(result), { a: "cancelled", b: "cancelled" });
  assert.deepEqual(executor.aborted, ["a"]);
});

void test("cancellation during a retry backoff stops the step", async () => {
  const executor = new FakeStepExecutor({ a: ["fail"] });
  const controller = new AbortController();
  const result = await runPlan(plan([{ name: "a", retries: 5 }]), executor, {
    signal: controller.signal,
    sleep: async () => controller.abort(),
  });
  assert.equal(result.state, "cancelled");
  assert.deepEqual(executor.started, ["a"]);
});

void test("steps excluded by `when` are skipped and count as satisfied", async () => {
  const executor = new FakeStepExecutor();
  const result = await runPlan(
    plan([
      { name: "a" },
      { name: "deploy", dependsOn: ["a"], when: { branch: "prod" } },
      { name: "z", dependsOn: ["deploy"] },
    ]),
    executor,
    { sleep: noWait },
  );
  assert.equal(result.state, "succeeded");
  assert.deepEqual(states(result), { a: "succeeded", deploy: "skipped", z: "succeeded" });
  assert.deepEqual(executor.started, ["a", "z"]);
});

void test("every state change is reported as an event", async () => {
  const events: SchedulerEvent[] = [];
  await runPlan(plan([{ name: "a" }]), new FakeStepExecutor(), { sleep: noWait, onEvent: (e) => events.push(e) });
  const seen = events.flatMap((e) => (e.type === "step" ? [e.step.state] : []));
  assert.deepEqual([seen[0], seen[seen.length - 1]], ["running", "succeeded"]);
});

void test("re-run from the failed step: reused steps are not run again", async () => {
  const executor = new FakeStepExecutor();
  const result = await runPlan(plan(diamond), executor, { sleep: noWait, reuse: new Set(["a", "b"]) });
  assert.equal(result.state, "succeeded");
  assert.deepEqual(executor.started, ["c", "d"]);
  assert.equal(result.steps.find((s) => s.name === "a")?.reason, "reused");
});

void test("a timeout reported by the runtime marks the step timed-out too", async () => {
  const executor = new FakeStepExecutor({ a: ["runtime-timeout"] });
  const result = await runPlan(plan([{ name: "a" }]), executor, { sleep: noWait });
  assert.equal(result.steps[0]?.state, "timed-out");
  assert.match(result.reason ?? "", /'a' timed out/);
});
