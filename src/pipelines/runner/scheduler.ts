/**
 * The DAG scheduler: every ready step starts at once up to the concurrency limit.
 * Fail-fast by default (running steps are cancelled, not-started ones skipped);
 * `allowFailure`; retries with backoff; per-step and per-run timeouts; cancellation through
 * an AbortSignal. Where a step runs is the `StepExecutor`'s business.
 */
import { backoffDelayMs, type Plan, type PlannedStep } from "../spec/plan.ts";
import type { AttemptResult, RunState, StepExecutor, StepState } from "./step-executor.ts";

export interface StepRecord {
  name: string;
  state: StepState;
  attempts: number;
  startedAt: string | undefined;
  finishedAt: string | undefined;
  durationMs: number | undefined;
  exitCode: number | null | undefined;
  /** Why it ended the way it did (exit code, timeout, skipped because…). */
  reason: string | undefined;
}

export interface RunResult {
  state: RunState;
  reason: string | undefined;
  steps: StepRecord[];
  durationMs: number;
}

export type SchedulerEvent =
  | { type: "step"; step: StepRecord }
  | { type: "retry"; step: string; attempt: number; delayMs: number; reason: string | undefined };

export interface ScheduleOptions {
  /** Default: the plan's concurrency. */
  concurrency?: number;
  /** Default true: the first failure cancels running steps and skips the rest. */
  failFast?: boolean;
  /** Default: the plan's timeout. */
  runTimeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: SchedulerEvent) => void;
  /** Waits between retries; injectable so tests need not wait. Must reject or resolve early on abort. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  /**
   * Steps that succeeded in an earlier run of the same plan and are not run again
   * (re-run from the failed step). They start as `succeeded` with reason `reused`.
   */
  reuse?: ReadonlySet<string>;
}

/** The states a step never leaves. */
export const TERMINAL_STEP_STATES: ReadonlySet<StepState> = new Set([
  "succeeded",
  "failed",
  "cancelled",
  "skipped",
  "timed-out",
]);

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

type StopReason = { state: "failed" | "cancelled" | "timed-out"; message: string };

export async function runPlan(plan: Plan, executor: StepExecutor, options: ScheduleOptions = {}): Promise<RunResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const concurrency = Math.max(1, options.concurrency ?? plan.concurrency);
  const failFast = options.failFast ?? true;
  const started = now();
  const records = new Map<string, StepRecord>();
  const steps = new Map(plan.steps.map((s) => [s.name, s]));
  for (const step of plan.steps) {
    const reused = options.reuse?.has(step.name) === true && step.excluded === undefined;
    records.set(step.name, {
      name: step.name,
      state: reused ? "succeeded" : "queued",
      attempts: 0,
      startedAt: undefined,
      finishedAt: undefined,
      durationMs: undefined,
      exitCode: undefined,
      reason: reused ? "reused" : undefined,
    });
  }
  const emit = (record: StepRecord) => options.onEvent?.({ type: "step", step: { ...record } });
  const update = (name: string, patch: Partial<StepRecord>) => {
    const record = records.get(name);
    if (!record) return;
    Object.assign(record, patch);
    if (TERMINAL_STEP_STATES.has(record.state) && record.startedAt !== undefined && record.finishedAt === undefined) {
      record.finishedAt = new Date(now()).toISOString();
      record.durationMs = now() - Date.parse(record.startedAt);
    }
    emit(record);
  };

  // One controller stops everything: fail-fast, run timeout, or the caller's signal.
  const stopAll = new AbortController();
  let stop: StopReason | undefined;
  const halt = (reason: StopReason) => {
    if (stop !== undefined) return;
    stop = reason;
    stopAll.abort(reason);
  };
  const onCallerAbort = () => halt({ state: "cancelled", message: "cancelled" });
  if (options.signal?.aborted) onCallerAbort();
  options.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const runTimeoutMs = options.runTimeoutMs ?? plan.timeoutMs;
  const runTimer = setTimeout(
    () => halt({ state: "timed-out", message: `the run exceeded its ${runTimeoutMs} ms timeout` }),
    runTimeoutMs,
  );

  const satisfied = (name: string): boolean => {
    const record = records.get(name);
    const step = steps.get(name);
    if (!record || !step) return false;
    if (record.state === "succeeded") return true;
    if (record.state === "skipped" && step.excluded !== undefined) return true;
    return (record.state === "failed" || record.state === "timed-out") && step.allowFailure;
  };

  const runStep = async (step: PlannedStep): Promise<void> => {
    update(step.name, { state: "running", startedAt: new Date(now()).toISOString() });
    for (let attempt = 1; ; attempt++) {
      const attemptAbort = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        attemptAbort.abort(new Error("step timeout"));
      }, step.timeoutMs);
      const relay = () => attemptAbort.abort(stopAll.signal.reason);
      stopAll.signal.addEventListener("abort", relay, { once: true });
      let result: AttemptResult;
      update(step.name, { attempts: attempt });
      try {
        result = await executor.runAttempt(step, {
          number: attempt,
          signal: attemptAbort.signal,
          timeoutMs: step.timeoutMs,
        });
      } catch (error) {
        result = { outcome: "failed", reason: error instanceof Error ? error.message : String(error) };
      } finally {
        clearTimeout(timer);
        stopAll.signal.removeEventListener("abort", relay);
      }
      if (result.timedOut === true && result.outcome !== "succeeded") timedOut = true;
      if (stopAll.signal.aborted && !timedOut) {
        const cause = stop?.state === "timed-out" ? "the run timed out" : stop?.message;
        update(step.name, { state: "cancelled", exitCode: result.exitCode, reason: cause });
        return;
      }
      const failedState: StepState = timedOut ? "timed-out" : "failed";
      const reason = timedOut ? `timed out after ${step.timeoutMs} ms` : result.reason;
      if (result.outcome === "succeeded" && !timedOut) {
        update(step.name, { state: "succeeded", exitCode: result.exitCode, reason: undefined });
        return;
      }
      if (attempt <= step.retries.count) {
        const delayMs = backoffDelayMs(step.retries, attempt);
        options.onEvent?.({ type: "retry", step: step.name, attempt: attempt + 1, delayMs, reason });
        await sleep(delayMs, stopAll.signal);
        if (!stopAll.signal.aborted) continue;
        update(step.name, { state: "cancelled", exitCode: result.exitCode, reason: stop?.message });
        return;
      }
      update(step.name, { state: failedState, exitCode: result.exitCode, reason });
      if (!step.allowFailure && failFast)
        halt({
          state: "failed",
          message: `step '${step.name}' ${failedState === "timed-out" ? "timed out" : "failed"}`,
        });
      return;
    }
  };

  const running = new Map<string, Promise<void>>();
  for (;;) {
    for (const step of plan.steps) {
      const record = records.get(step.name);
      if (!record || record.state !== "queued") continue;
      if (step.excluded !== undefined) {
        update(step.name, { state: "skipped", reason: step.excluded });
        continue;
      }
      if (stop !== undefined) continue;
      const deps = step.dependsOn.map((d) => records.get(d));
      if (!deps.every((d) => d !== undefined && TERMINAL_STEP_STATES.has(d.state))) continue;
      const blocker = step.dependsOn.find((d) => !satisfied(d));
      if (blocker !== undefined) {
        update(step.name, { state: "skipped", reason: `dependency '${blocker}' did not succeed` });
        continue;
      }
      if (running.size >= concurrency) continue;
      const promise = runStep(step).finally(() => running.delete(step.name));
      running.set(step.name, promise);
    }
    // Skips can unblock further skips without anything running: loop until stable.
    if (running.size === 0) {
      const progress = plan.steps.some((s) => {
        const r = records.get(s.name);
        return (
          r?.state === "queued" &&
          stop === undefined &&
          s.dependsOn.every((d) => TERMINAL_STEP_STATES.has(records.get(d)?.state ?? "queued"))
        );
      });
      if (!progress) break;
      continue;
    }
    await Promise.race(running.values());
  }
  clearTimeout(runTimer);
  options.signal?.removeEventListener("abort", onCallerAbort);

  for (const record of records.values())
    if (record.state === "queued")
      update(record.name, {
        state: stop?.state === "cancelled" ? "cancelled" : "skipped",
        reason: stop?.message ?? "not reached",
      });

  const all = [...records.values()];
  let state: RunState;
  let reason: string | undefined;
  if (stop?.state === "cancelled" || stop?.state === "timed-out") {
    state = stop.state;
    reason = stop.message;
  } else {
    const failed = all.find(
      (r) => (r.state === "failed" || r.state === "timed-out") && !steps.get(r.name)?.allowFailure,
    );
    state = failed ? "failed" : "succeeded";
    reason = failed ? `step '${failed.name}' ${failed.state === "timed-out" ? "timed out" : "failed"}` : undefined;
  }
  return { state, reason, steps: all.map((r) => ({ ...r })), durationMs: now() - started };
}
