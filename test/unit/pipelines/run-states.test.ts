import assert from "node:assert/strict";
import { test } from "node:test";
import {
  isStepTransition,
  RUN_TRANSITIONS,
  runFrom,
  runSources,
  STEP_TRANSITIONS,
  TERMINAL_RUN_STATES,
} from "../../../src/pipelines/service/run-states.ts";
import { RUN_STATES } from "../../../src/store/runs-types.ts";

void test("the run table: queued → running → an end; cancelled from queued too; ends are final", () => {
  assert.deepEqual(Object.keys(RUN_TRANSITIONS).sort(), [...RUN_STATES].sort());
  assert.deepEqual(runSources("running"), ["queued"]);
  assert.deepEqual(runSources("cancelled").sort(), ["queued", "running"]);
  assert.deepEqual(runSources("succeeded"), ["running"]);
  assert.deepEqual([...TERMINAL_RUN_STATES].sort(), ["cancelled", "failed", "skipped", "succeeded", "timed-out"]);
  assert.deepEqual(runFrom("running", "failed"), ["running"]);
  assert.throws(() => runFrom("succeeded", "running"), { code: "INTERNAL" });
  assert.throws(() => runFrom("queued", "succeeded"), /illegal run state transition queued → succeeded/);
});

void test("a step record is written once per transition: repeats and changes after an end are not", () => {
  const cases: [Parameters<typeof isStepTransition>[0], Parameters<typeof isStepTransition>[1], boolean][] = [
    [null, { state: "queued", attempts: 0 }, true],
    [{ state: "queued", attempts: 0 }, { state: "running", attempts: 0 }, true],
    [{ state: "running", attempts: 0 }, { state: "running", attempts: 1 }, true],
    [{ state: "running", attempts: 1 }, { state: "running", attempts: 1 }, false],
    [{ state: "running", attempts: 2 }, { state: "failed", attempts: 2 }, true],
    [{ state: "failed", attempts: 2 }, { state: "failed", attempts: 2 }, false],
    [{ state: "succeeded", attempts: 1 }, { state: "cancelled", attempts: 1 }, false],
    [{ state: "queued", attempts: 0 }, { state: "skipped", attempts: 0 }, true],
    [{ state: "queued", attempts: 0 }, { state: "failed", attempts: 0 }, false],
  ];
  for (const [last, next, expected] of cases)
    assert.equal(isStepTransition(last, next), expected, `${JSON.stringify(last)} → ${JSON.stringify(next)}`);
  for (const [from, to] of Object.entries(STEP_TRANSITIONS)) assert.ok(!to.includes(from as never), from);
});
