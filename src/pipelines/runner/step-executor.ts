/**
 * The seam between the scheduler and wherever steps run: a sandbox through the engine
 * (local bubblewrap, Docker, Kubernetes), or a fake in ordering tests.
 */
import type { PlannedStep } from "../spec/plan.ts";

export type StepState = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
export type RunState = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed-out";

export interface StepAttempt {
  /** 1-based. */
  number: number;
  /**
   * Aborted when the step must stop: its timeout, fail-fast, run timeout or cancellation.
   * The executor must kill the step's sandbox and settle promptly.
   */
  signal: AbortSignal;
  /** The step's per-attempt timeout (the scheduler enforces it through `signal` too). */
  timeoutMs: number;
}

export interface AttemptResult {
  /** `failed` covers a non-zero exit, a signal, oom or an error starting the sandbox. */
  outcome: "succeeded" | "failed";
  exitCode?: number | null;
  /** Human-readable why, e.g. `exit code 2`, `oom`, `sandbox failed to start: …`. */
  reason?: string;
  /** The runtime's own exec timeout ended it (the scheduler's timer may not have fired yet). */
  timedOut?: boolean;
}

export interface StepExecutor {
  /** Runs one attempt of a step. Should resolve rather than reject; a rejection counts as `failed`. */
  runAttempt(step: PlannedStep, attempt: StepAttempt): Promise<AttemptResult>;
}
