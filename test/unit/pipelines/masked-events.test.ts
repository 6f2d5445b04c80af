/**
 * Reasons leave the runner masked: an executor that rejects with the secret (raw, base64) in
 * its message — the scheduler records such a message as the step's reason — yields step,
 * retry and run records without it once passed through `maskEvent` / `maskRunResult`, the
 * boundary `runPipelineLocally` applies to every event and its result.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SecretMasker } from "../../../src/engine/masking.ts";
import { maskEvent, maskRunResult } from "../../../src/pipelines/runner/masked-events.ts";
import type { LocalRunEvent } from "../../../src/pipelines/runner/run-pipeline.ts";
import { runPlan } from "../../../src/pipelines/runner/scheduler.ts";
import type { StepExecutor } from "../../../src/pipelines/runner/step-executor.ts";
import { planPipeline } from "../../../src/pipelines/spec/plan.ts";
import { pipelineSchema } from "../../../src/pipelines/spec/schema.ts";

const VALUE = "tok-reason-5e1f9a";

/** A FAKE executor whose attempts reject with the secret in the error, as a careless library would. */
const throwingFakeExecutor: StepExecutor = {
  runAttempt: () =>
    Promise.reject(new Error(`auth failed for ${VALUE} (sent ${Buffer.from(VALUE).toString("base64")})`)),
};

void test("a step's, a retry's and the run's reasons built from an exception are masked", async () => {
  const plan = planPipeline(
    pipelineSchema.parse({
      version: "v1alpha1",
      name: "p",
      steps: [{ name: "deploy", commands: ["true"], retries: { count: 1, backoff: "1ms" } }],
    }),
    { event: "push", branch: "main" },
  );
  const masker = new SecretMasker([VALUE]);
  const events: LocalRunEvent[] = [];
  const raw: LocalRunEvent[] = [];
  const result = maskRunResult(
    await runPlan(plan, throwingFakeExecutor, {
      sleep: async () => {},
      onEvent: (event) => {
        raw.push(event);
        events.push(maskEvent(event, masker));
      },
    }),
    masker,
  );
  assert.ok(JSON.stringify(raw).includes(VALUE), "the scheduler itself keeps the message as it came");
  const text = JSON.stringify({ events, result });
  assert.ok(!text.includes(VALUE) && !text.includes(Buffer.from(VALUE).toString("base64").slice(0, 12)), text);
  assert.equal(result.steps[0]?.state, "failed");
  assert.match(String(result.steps[0]?.reason), /^auth failed for \*\*\* \(sent \*\*\*/);
  assert.ok(events.some((e) => e.type === "retry" && e.reason?.includes("***")));
});
