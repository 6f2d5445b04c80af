/**
 * Runs and their steps as explicit state machines (pure), like the sandbox one in
 * `engine/state-machine.ts`. Every run update in the store is a compare-and-set from the
 * states this table allows (`runSources`); a step record is written once per transition.
 *
 *   run:   queued ──▶ running ──▶ succeeded | failed | cancelled | skipped | timed-out
 *             └──────────────────▶ cancelled                (cancelled before it started)
 *   step:  queued ──▶ running ──▶ succeeded | failed | cancelled | timed-out
 *             └──────────────────▶ skipped | cancelled | succeeded (reused by a re-run)
 */
import { C8sError } from "../../errors/index.ts";
import type { RunState, RunStepState } from "../../store/runs-types.ts";

export const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  queued: ["running", "cancelled"],
  running: ["succeeded", "failed", "cancelled", "skipped", "timed-out"],
  succeeded: [],
  failed: [],
  cancelled: [],
  skipped: [],
  "timed-out": [],
};

export const STEP_TRANSITIONS: Readonly<Record<RunStepState, readonly RunStepState[]>> = {
  queued: ["running", "skipped", "cancelled", "succeeded"],
  running: ["succeeded", "failed", "cancelled", "timed-out"],
  succeeded: [],
  failed: [],
  cancelled: [],
  skipped: [],
  "timed-out": [],
};

export const TERMINAL_RUN_STATES: readonly RunState[] = (Object.keys(RUN_TRANSITIONS) as RunState[]).filter(
  (state) => RUN_TRANSITIONS[state].length === 0,
);

/** The states a run may be in to move to `to` (the `from` of a compare-and-set). */
export function runSources(to: RunState): RunState[] {
  return (Object.keys(RUN_TRANSITIONS) as RunState[]).filter((from) => RUN_TRANSITIONS[from].includes(to));
}

/** The `from` of a compare-and-set `from → to`, checked against the table: an illegal one is a bug in c8s. */
export function runFrom(from: RunState, to: RunState): RunState[] {
  if (!RUN_TRANSITIONS[from].includes(to))
    throw new C8sError("INTERNAL", `illegal run state transition ${from} → ${to}`, {
      details: { from, to, allowed: RUN_TRANSITIONS[from] },
      hint: "This is a bug in c8s; please report it with the server log.",
    });
  return [from];
}

/** A step's persisted position: its state and the attempt it is on. */
export interface StepPosition {
  state: RunStepState;
  attempts: number;
}

/**
 * Whether a step moving from `last` (null: never written) to `next` is a transition worth a
 * write: a new state the table allows, or the next attempt of a running step. Repeats and
 * anything after a terminal state are not.
 */
export function isStepTransition(last: StepPosition | null, next: StepPosition): boolean {
  if (last === null) return true;
  if (last.state === next.state) return next.state === "running" && next.attempts > last.attempts;
  return STEP_TRANSITIONS[last.state].includes(next.state);
}
