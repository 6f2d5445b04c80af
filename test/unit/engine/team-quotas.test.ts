/** Team quotas as pure functions (engine/team-quotas.ts): what applies, what is used, what fits. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isC8sError } from "../../../src/errors/index.ts";
import { checkSandboxQuota, checkStoredBytes, effectiveQuotas, usageOf } from "../../../src/engine/team-quotas.ts";
import { NO_QUOTAS } from "../../../src/store/types.ts";

void test("the team's own quota wins, then the installation's default, then none", () => {
  assert.deepEqual(effectiveQuotas(null, {}), NO_QUOTAS);
  assert.deepEqual(effectiveQuotas(null, { maxRuns: 2 }), { ...NO_QUOTAS, maxRuns: 2 });
  assert.deepEqual(
    effectiveQuotas(
      { ...NO_QUOTAS, maxRuns: 5, maxSandboxes: 1 },
      { maxRuns: 2, maxCpuMillis: 4000, maxStoredBytes: 9 },
    ),
    { maxSandboxes: 1, maxMemoryBytes: null, maxCpuMillis: 4000, maxRuns: 5, maxStoredBytes: 9 },
  );
});

void test("usage sums the limits of the records; a record without limits counts as a sandbox only", () => {
  const spec = (memoryBytes: number, cpuMillis: number) => ({ spec: { limits: { memoryBytes, cpuMillis, pids: 9 } } });
  assert.deepEqual(usageOf([spec(100, 10), spec(50, 5), { spec: {} }]), {
    sandboxes: 3,
    memoryBytes: 150,
    cpuMillis: 15,
  });
  assert.deepEqual(usageOf([]), { sandboxes: 0, memoryBytes: 0, cpuMillis: 0 });
});

const cases: {
  name: string;
  quotas: Partial<typeof NO_QUOTAS>;
  usage: [number, number, number];
  request: [number, number];
  refused?: { quota: string; limit: number; current: number; requested: number };
}[] = [
  { name: "no quotas: anything fits", quotas: {}, usage: [100, 1e12, 1e6], request: [1e12, 1e6] },
  {
    name: "exactly the quota fits",
    quotas: { maxSandboxes: 2, maxMemoryBytes: 300 },
    usage: [1, 100, 0],
    request: [200, 1],
  },
  {
    name: "one sandbox too many",
    quotas: { maxSandboxes: 2 },
    usage: [2, 0, 0],
    request: [1, 1],
    refused: { quota: "maxSandboxes", limit: 2, current: 2, requested: 1 },
  },
  {
    name: "memory past the quota",
    quotas: { maxMemoryBytes: 300 },
    usage: [1, 100, 0],
    request: [201, 1],
    refused: { quota: "maxMemoryBytes", limit: 300, current: 100, requested: 201 },
  },
  {
    name: "CPU past the quota",
    quotas: { maxCpuMillis: 1000, maxMemoryBytes: 1e9 },
    usage: [1, 100, 600],
    request: [1, 500],
    refused: { quota: "maxCpuMillis", limit: 1000, current: 600, requested: 500 },
  },
  { name: "the run quota is not a sandbox quota", quotas: { maxRuns: 1 }, usage: [50, 0, 0], request: [1, 1] },
];

for (const c of cases)
  void test(`sandbox quota: ${c.name}`, () => {
    const quotas = { ...NO_QUOTAS, ...c.quotas };
    const usage = { sandboxes: c.usage[0], memoryBytes: c.usage[1], cpuMillis: c.usage[2] };
    const run = () => checkSandboxQuota("red", quotas, usage, { memoryBytes: c.request[0], cpuMillis: c.request[1] });
    if (c.refused === undefined) return run();
    assert.throws(run, (e: unknown) => {
      assert.ok(isC8sError(e));
      assert.equal(e.code, "QUOTA_EXCEEDED");
      assert.equal(e.httpStatus, 429);
      assert.deepEqual(e.details, { team: "red", ...c.refused });
      assert.match(e.message, new RegExp(`team 'red' would exceed its ${c.refused?.quota} quota`));
      assert.match(e.hint ?? "", /c8s team update/);
      return true;
    });
  });

void test("the stored-bytes quota refuses at or over the limit, never under it or without one", () => {
  checkStoredBytes("red", null, 10 ** 12);
  checkStoredBytes("red", 100, 99);
  for (const current of [100, 150])
    assert.throws(
      () => checkStoredBytes("red", 100, current),
      (e: unknown) =>
        isC8sError(e) &&
        e.code === "QUOTA_EXCEEDED" &&
        JSON.stringify(e.details) === JSON.stringify({ team: "red", quota: "storedBytes", limit: 100, current }) &&
        (e.hint ?? "").includes("c8s team update"),
    );
});
