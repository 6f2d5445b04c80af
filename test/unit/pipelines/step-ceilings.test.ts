import assert from "node:assert/strict";
import { test } from "node:test";
import type { SandboxCeilings } from "../../../src/engine/ceilings.ts";
import { isC8sError } from "../../../src/errors/index.ts";
import { planPipeline } from "../../../src/pipelines/spec/plan.ts";
import { pipelineSchema } from "../../../src/pipelines/spec/schema.ts";
import { checkPlanCeilings } from "../../../src/pipelines/spec/step-ceilings.ts";

const MiB = 1024 * 1024;
const limits = { memoryBytes: 512 * MiB, pids: 256, cpuMillis: 1000, fileSizeBytes: 1024 * MiB, diskBytes: 1024 * MiB };
const ceilings: SandboxCeilings = {
  memoryBytes: 2048 * MiB,
  pids: 4096,
  cpuMillis: 2000,
  diskBytes: 10240 * MiB,
  ttlMs: 86_400_000,
  idleTimeoutMs: 86_400_000,
  execTimeoutMs: 2 * 3600_000,
};

function plan(more: Record<string, unknown>) {
  const file = pipelineSchema.parse({
    version: "v1alpha1",
    name: "p",
    steps: [{ name: "build", commands: ["true"], ...more }],
  });
  return planPipeline(file, { event: "push", branch: "main" });
}

const cases: Array<[string, Record<string, unknown>, string | null]> = [
  ["no resources", {}, null],
  ["at the ceilings", { resources: { cpu: "2", memory: "2Gi" }, timeout: "2h" }, null],
  ["memory over", { resources: { memory: "1Ti" } }, "steps.build.resources.memory"],
  ["cpu over", { resources: { cpu: "1000" } }, "steps.build.resources.cpu"],
  ["timeout over", { timeout: "3h" }, "steps.build.timeout"],
];
for (const [name, more, field] of cases)
  void test(`step ceilings: ${name}`, () => {
    const check = () => checkPlanCeilings(plan(more), limits, ceilings);
    if (field === null) return check();
    assert.throws(check, (error: unknown) => {
      assert.ok(isC8sError(error) && error.code === "LIMIT_EXCEEDED", String(error));
      assert.equal(error.details["field"], field);
      assert.ok(error.message.includes("pipeline 'p'"), error.message);
      return true;
    });
  });

void test("step ceilings: defaults over a ceiling are refused too", () => {
  assert.throws(() => checkPlanCeilings(plan({}), { ...limits, pids: 5000 }, ceilings), /default pids/);
});
