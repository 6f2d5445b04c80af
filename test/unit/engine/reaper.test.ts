import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { silentLogger } from "../../../src/engine/clock.ts";
import { Reaper } from "../../../src/engine/reaper.ts";
import type { SandboxRecord } from "../../../src/store/index.ts";
import { ManualClock } from "../../fixtures/engine-clock.ts";
import { sandboxRecord } from "../../fixtures/store-suite.ts";

function setup(record: Partial<SandboxRecord>) {
  const clock = new ManualClock();
  const iso = (ms: number) => new Date(clock.now() + ms).toISOString();
  const records = new Map<string, SandboxRecord>();
  const reaped: string[] = [];
  let busy = false;
  const sandbox = sandboxRecord({
    state: "running",
    lastActivityAt: iso(0),
    expiresAt: iso(60_000),
    idleTimeoutMs: 10_000,
    ...record,
  });
  records.set(sandbox.id, sandbox);
  const reaper = new Reaper({
    clock,
    logger: silentLogger,
    load: async (id) => records.get(id) ?? null,
    busy: () => busy,
    reap: async (id, reason) => {
      reaped.push(`${id}:${reason}`);
      const current = records.get(id);
      if (current) records.set(id, { ...current, state: "terminated" });
    },
  });
  return {
    clock,
    reaper,
    sandbox,
    reaped,
    setBusy: (value: boolean) => void (busy = value),
    touch: (msFromNow: number) => {
      const current = records.get(sandbox.id) as SandboxRecord;
      records.set(sandbox.id, { ...current, lastActivityAt: iso(msFromNow) });
    },
  };
}

void describe("Reaper (manual clock)", () => {
  void it("ends an idle sandbox once its idle timeout passes, not before", async () => {
    const { clock, reaper, sandbox, reaped } = setup({});
    reaper.schedule(sandbox);
    clock.advance(9_999);
    await reaper.settle();
    assert.deepEqual(reaped, []);
    clock.advance(1);
    await reaper.settle();
    assert.deepEqual(reaped, [`${sandbox.id}:idle`]);
  });

  void it("activity pushes the idle deadline out: the timer re-reads the record and re-arms", async () => {
    const { clock, reaper, sandbox, reaped, touch } = setup({});
    reaper.schedule(sandbox);
    clock.advance(6_000);
    touch(0); // activity at t=6s → idle deadline t=16s
    clock.advance(4_000); // t=10s: the timer fires, sees the new activity
    await reaper.settle();
    assert.deepEqual(reaped, []);
    assert.equal(reaper.armed, 1);
    clock.advance(6_000); // t=16s
    await reaper.settle();
    assert.deepEqual(reaped, [`${sandbox.id}:idle`]);
  });

  void it("a running exec keeps it from idling, but the TTL still ends it", async () => {
    const { clock, reaper, sandbox, reaped, setBusy } = setup({});
    setBusy(true);
    reaper.schedule(sandbox);
    clock.advance(30_000);
    await reaper.settle();
    assert.deepEqual(reaped, []);
    clock.advance(30_000);
    await reaper.settle();
    assert.deepEqual(reaped, [`${sandbox.id}:ttl`]);
  });

  void it("reaps at once a sandbox already past its TTL; cancel and close disarm", async () => {
    const past = setup({ expiresAt: new Date(Date.parse("2026-03-01T11:00:00.000Z")).toISOString() });
    past.reaper.schedule(past.sandbox);
    await past.reaper.settle();
    assert.deepEqual(past.reaped, [`${past.sandbox.id}:ttl`]);

    const cancelled = setup({});
    cancelled.reaper.schedule(cancelled.sandbox);
    cancelled.reaper.cancel(cancelled.sandbox.id);
    cancelled.clock.advance(120_000);
    await cancelled.reaper.settle();
    assert.deepEqual(cancelled.reaped, []);

    const closed = setup({});
    closed.reaper.schedule(closed.sandbox);
    closed.reaper.close();
    closed.clock.advance(120_000);
    await closed.reaper.settle();
    assert.deepEqual(closed.reaped, []);
    assert.equal(closed.clock.pending, 0);
  });
});
