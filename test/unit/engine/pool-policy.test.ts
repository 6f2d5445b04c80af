/** Pure pieces of warm pools: the sizing policy, what a claim can take on, how a template merges under a request. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyTemplate, claimable } from "../../../src/engine/claim.ts";
import { poolTarget, sameSandboxSpec } from "../../../src/engine/pool.ts";
import type { TemplateRecord } from "../../../src/store/index.ts";

void describe("poolTarget", () => {
  void it("stays at min without demand, follows 2 × claims/s × refill time, and never passes max", () => {
    assert.equal(poolTarget({ min: 2, max: 10, claimsPerSecond: 0, refillMs: 50 }), 2);
    assert.equal(poolTarget({ min: 1, max: 10, claimsPerSecond: 20, refillMs: 100 }), 4);
    assert.equal(poolTarget({ min: 1, max: 3, claimsPerSecond: 100, refillMs: 100 }), 3);
    assert.equal(poolTarget({ min: 0, max: 0, claimsPerSecond: 100, refillMs: 100 }), 0);
  });
});

void describe("claims", () => {
  void it("claims only when the request asks for labels and lifetimes alone", () => {
    assert.equal(claimable({ template: "t" }), true);
    assert.equal(claimable({ template: "t", labels: { a: "b" }, ttlMs: 5000, idleTimeoutMs: 5000 }), true);
    assert.equal(claimable({ template: "t", env: { A: "1" } }), false);
    assert.equal(claimable({ template: "t", limits: { pids: 8 } }), false);
  });

  void it("merges env and limits key by key, the request winning", () => {
    assert.deepEqual(
      applyTemplate(
        { env: { A: "1", B: "2" }, limits: { pids: 16, memoryBytes: 1 }, network: "none" },
        { env: { B: "3" }, limits: { pids: 32 } },
      ),
      { env: { A: "1", B: "3" }, limits: { pids: 32, memoryBytes: 1 }, network: "none" },
    );
  });

  void it("replaces a pool's sandboxes only when what they are made from changed", () => {
    const base: TemplateRecord = {
      id: "tpl_1",
      teamId: "red",
      name: "t",
      spec: { env: { A: "1" } },
      pool: { min: 1, max: 1 },
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
    };
    assert.equal(sameSandboxSpec(base, { ...base, pool: { min: 3, max: 5 }, updatedAt: "later" }), true);
    assert.equal(sameSandboxSpec(base, { ...base, spec: { env: { A: "2" } } }), false);
  });
});
