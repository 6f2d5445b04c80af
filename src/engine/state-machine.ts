/**
 * The sandbox lifecycle as an explicit state machine (pure).
 *
 *   creating ──▶ running ──▶ stopping ──▶ terminated
 *       │                       ▲
 *       ├───────────────────────┘   (destroyed or reconciled before it started)
 *       └──────────────────────────▶ terminated   (the runtime failed to start it)
 *
 * Every way out of `running` passes through `stopping`, so a crash half-way through a
 * destroy leaves a record reconciliation still picks up.
 */
import { C8sError } from "../errors/index.ts";
import type { SandboxState } from "../store/types.ts";

export const SANDBOX_TRANSITIONS: Readonly<Record<SandboxState, readonly SandboxState[]>> = {
  creating: ["running", "stopping", "terminated"],
  running: ["stopping"],
  stopping: ["terminated"],
  terminated: [],
};

export const ACTIVE_STATES: readonly SandboxState[] = ["creating", "running", "stopping"];

export function canTransition(from: SandboxState, to: SandboxState): boolean {
  return SANDBOX_TRANSITIONS[from].includes(to);
}

/** Throws when `from → to` is not in the table: an illegal transition is a bug in c8s. */
export function assertTransition(from: SandboxState, to: SandboxState): void {
  if (!canTransition(from, to))
    throw new C8sError("INTERNAL", `illegal sandbox state transition ${from} → ${to}`, {
      details: { from, to, allowed: SANDBOX_TRANSITIONS[from] },
      hint: "This is a bug in c8s; please report it with the server log.",
    });
}

/** The states a sandbox may be in for a transition to `to` (for compare-and-set updates). */
export function sourcesOf(to: SandboxState): SandboxState[] {
  return (Object.keys(SANDBOX_TRANSITIONS) as SandboxState[]).filter((from) => canTransition(from, to));
}

/** `expected` narrowed to the states that may legally move to `to`; throws if none may. */
export function legalSources(expected: readonly SandboxState[], to: SandboxState): SandboxState[] {
  const legal = expected.filter((from) => canTransition(from, to));
  if (legal.length === 0) assertTransition(expected[0] ?? "terminated", to);
  return legal;
}

export function isTerminal(state: SandboxState): boolean {
  return SANDBOX_TRANSITIONS[state].length === 0;
}
