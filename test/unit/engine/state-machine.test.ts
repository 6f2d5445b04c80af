import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  assertTransition,
  canTransition,
  isTerminal,
  legalSources,
  SANDBOX_TRANSITIONS,
  sourcesOf,
} from "../../../src/engine/state-machine.ts";
import { isC8sError } from "../../../src/errors/index.ts";
import type { SandboxState } from "../../../src/store/index.ts";

const STATES: SandboxState[] = ["creating", "running", "stopping", "terminated"];
const LEGAL = new Set([
  "creating>running",
  "creating>stopping",
  "creating>terminated",
  "running>stopping",
  "stopping>terminated",
]);

void describe("sandbox state machine", () => {
  void it("allows exactly the transitions in the table", () => {
    for (const from of STATES)
      for (const to of STATES) assert.equal(canTransition(from, to), LEGAL.has(`${from}>${to}`), `${from} → ${to}`);
  });

  void it("throws INTERNAL on an illegal transition, naming both states", () => {
    for (const [from, to] of [
      ["running", "creating"],
      ["terminated", "running"],
      ["running", "terminated"],
      ["stopping", "running"],
    ] as const) {
      assert.throws(
        () => assertTransition(from, to),
        (e: unknown) => isC8sError(e) && e.code === "INTERNAL" && e.message.includes(`${from} → ${to}`),
      );
    }
    assert.doesNotThrow(() => assertTransition("running", "stopping"));
  });

  void it("terminated is the only terminal state and everything leads to it", () => {
    assert.deepEqual(
      STATES.filter((s) => isTerminal(s)),
      ["terminated"],
    );
    assert.deepEqual(SANDBOX_TRANSITIONS.terminated, []);
    assert.deepEqual(sourcesOf("terminated"), ["creating", "stopping"]);
    assert.deepEqual(sourcesOf("stopping"), ["creating", "running"]);
  });

  void it("narrows expected states to legal sources, throwing when none is legal", () => {
    assert.deepEqual(legalSources(["creating", "running", "stopping"], "stopping"), ["creating", "running"]);
    assert.throws(() => legalSources(["terminated"], "stopping"), /terminated → stopping/);
  });
});
