/** TTL and idle reaping on the real local runtime, with time driven by a manual clock. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock, startTestEngine, type TestEngine } from "../../fixtures/engine.ts";
import { settledLeftoversOf } from "../../fixtures/engine-leftovers.ts";

void describe("reaper on the local runtime (manual clock)", () => {
  const clock = new ManualClock();
  let t: TestEngine;
  before(async () => {
    t = await startTestEngine({ clock });
  });
  after(() => t.close());

  void it("ends a sandbox idle for its idle timeout, with reason idle, and removes it", async () => {
    const sandbox = await t.engine.create({ idleTimeoutMs: 5_000, ttlMs: 60_000 });
    clock.advance(4_000);
    await t.engine.run(sandbox.id, { command: ["true"] }); // activity at t=4s → idle deadline t=9s
    clock.advance(4_000);
    await t.engine.settle();
    assert.equal((await t.engine.get(sandbox.id)).state, "running");
    clock.advance(1_000);
    await t.engine.settle();
    const ended = await t.engine.get(sandbox.id);
    assert.equal(ended.state, "terminated");
    assert.equal(ended.terminationReason, "idle");
    assert.match(ended.terminationMessage ?? "", /no exec or file activity for 5 s/);
    assert.deepEqual(await settledLeftoversOf(sandbox.handle!), { pids: [], cgroups: [], dirs: [] });
  });

  void it("a running exec is activity; the TTL ends the sandbox regardless and the exec is killed", async () => {
    const sandbox = await t.engine.create({ idleTimeoutMs: 2_000, ttlMs: 10_000 });
    const session = await t.engine.exec(sandbox.id, { command: ["sleep", "60"] });
    clock.advance(5_000);
    await t.engine.settle();
    assert.equal((await t.engine.get(sandbox.id)).state, "running", "busy sandboxes are not idle");
    clock.advance(5_000);
    await t.engine.settle();
    const ended = await t.engine.get(sandbox.id);
    assert.equal(ended.state, "terminated");
    assert.equal(ended.terminationReason, "ttl");
    assert.equal((await session.done).reason, "killed");
    const [exec] = await t.engine.listExecs(sandbox.id);
    assert.equal(exec?.reason, "killed");
  });
});
