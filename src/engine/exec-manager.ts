/**
 * Execs: starts them on the runtime, records them, keeps their sessions (and output) while
 * they run and for a retention period after, and collects output for `run()`.
 */
import { C8sError } from "../errors/index.ts";
import type { ExecResult, Runtime, SandboxHandle } from "../runtimes/types.ts";
import type { EngineStore, ExecRecord, SandboxRecord } from "../store/types.ts";
import type { Clock, Logger, TimerHandle } from "./clock.ts";
import type { EventLog } from "./event-log.ts";
import { LiveExecSession, type RawChunk } from "./exec-session.ts";
import { newId } from "./ids.ts";
import { checkCeilings, SCHEMA_CEILINGS } from "./ceilings.ts";
import { execInputSchema, parseInput } from "./schemas.ts";
import type { ExecInput, ExecSession, RunToCompletionResult } from "./types.ts";
import type { InternalExecOptions } from "./workloads.ts";

export interface ExecManagerDeps {
  runtime: Runtime;
  store: EngineStore;
  clock: Clock;
  logger: Logger;
  events: EventLog;
  execTimeoutMs: number;
  /** The installation's ceiling on one exec's timeout (C8S_MAX_EXEC_TIMEOUT_MS). */
  maxExecTimeoutMs: number;
  bufferBytes: number;
  runOutputBytes: number;
  retentionMs: number;
  runningSandbox(id: string): Promise<SandboxRecord & { handle: SandboxHandle }>;
  touch(id: string): Promise<void>;
  execEnded(sandboxId: string): void;
}

/** Finished execs whose output stays attachable; older ones are forgotten first. */
const MAX_RETAINED_FINISHED = 2000;

/** Bounded capture of one stream for `run()`. */
class Capture {
  private readonly parts: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  add(data: Buffer): void {
    const room = this.limit - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const kept = data.length > room ? data.subarray(0, room) : data;
    if (kept.length < data.length) this.truncated = true;
    this.parts.push(kept);
    this.size += kept.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

export class ExecManager {
  private readonly sessions = new Map<string, LiveExecSession>();
  private readonly bySandbox = new Map<string, Set<LiveExecSession>>();
  private readonly retention = new Map<string, TimerHandle>();

  constructor(private readonly deps: ExecManagerDeps) {}

  /** True while the sandbox has an exec that has not finished. */
  busy(sandboxId: string): boolean {
    for (const session of this.bySandbox.get(sandboxId) ?? []) if (!session.isFinished) return true;
    return false;
  }

  /** `internal`: options only c8s itself sets (masking, an abort signal); never from a request body. */
  async start(sandboxId: string, raw: ExecInput, internal: InternalExecOptions = {}): Promise<LiveExecSession> {
    const input = parseInput(execInputSchema, raw, "exec request");
    if (input.timeoutMs !== undefined)
      checkCeilings(
        [{ field: "timeoutMs", ceiling: "execTimeoutMs", value: input.timeoutMs }],
        { ...SCHEMA_CEILINGS, execTimeoutMs: this.deps.maxExecTimeoutMs },
        "the exec request",
      );
    const sandbox = await this.deps.runningSandbox(sandboxId);
    const { clock, store, events } = this.deps;
    const startedMs = clock.now();
    const process = await this.deps.runtime.exec(sandbox.handle, {
      command: input.command,
      ...(input.env === undefined ? {} : { env: input.env }),
      ...(input.cwd === undefined ? {} : { cwd: input.cwd }),
      ...(input.tty === undefined ? {} : { tty: input.tty }),
      timeoutMs: input.timeoutMs ?? this.deps.execTimeoutMs,
      ...(internal.signal === undefined ? {} : { signal: internal.signal }),
    });
    const record: ExecRecord = {
      id: newId("exec", startedMs),
      sandboxId,
      command: input.command,
      tty: input.tty !== undefined,
      state: "running",
      startedAt: new Date(startedMs).toISOString(),
      endedAt: null,
      exitCode: null,
      signal: null,
      reason: null,
      durationMs: null,
    };
    try {
      await store.execs.insert(record);
    } catch (error) {
      await process.kill("SIGKILL").catch(() => undefined);
      throw error;
    }
    void events.emit(sandboxId, "exec.started", { execId: record.id, program: input.command[0], tty: record.tty });
    const session = new LiveExecSession(record.id, sandboxId, process, {
      bufferBytes: this.deps.bufferBytes,
      now: () => clock.now(),
      masker: internal.masker,
      onEnd: (result) => this.finished(record, result),
    });
    this.sessions.set(record.id, session);
    const set = this.bySandbox.get(sandboxId) ?? new Set();
    set.add(session);
    this.bySandbox.set(sandboxId, set);
    if (input.stdin !== true) await process.closeStdin().catch(() => undefined);
    // Not awaited: the exec's end touches again, and a slow store must not slow every exec down.
    this.deps
      .touch(sandboxId)
      .catch((error: unknown) => this.deps.logger.warn({ err: error, sandboxId }, "could not record activity"));
    return session;
  }

  async run(sandboxId: string, raw: ExecInput & { stdinData?: Buffer }): Promise<RunToCompletionResult> {
    const { stdinData, ...input } = raw;
    const session = await this.start(sandboxId, { ...input, stdin: stdinData !== undefined });
    const stdout = new Capture(this.deps.runOutputBytes);
    const stderr = new Capture(this.deps.runOutputBytes);
    const take = (chunk: RawChunk): void => (chunk.stream === "stdout" ? stdout : stderr).add(chunk.data);
    // Replay what arrived before we got here, then follow live: both synchronous, so nothing is missed.
    const missed = session.nextSeq > 0 && !this.replayInto(session, take);
    const unsubscribe = session.onChunk(take);
    try {
      if (stdinData !== undefined) {
        await session.writeStdin(stdinData).catch(() => undefined); // the command may exit without reading
        await session.closeStdin().catch(() => undefined);
      }
      const outcome = await session.done;
      return {
        execId: session.id,
        ...outcome,
        stdout: stdout.bytes(),
        stderr: stderr.bytes(),
        truncated: missed || stdout.truncated || stderr.truncated,
      };
    } finally {
      unsubscribe();
    }
  }

  async get(sandboxId: string, execId: string): Promise<{ record: ExecRecord; live: ExecSession | null }> {
    const record = await this.deps.store.execs.get(execId);
    if (record === null || record.sandboxId !== sandboxId)
      throw new C8sError("EXEC_NOT_FOUND", `no exec ${execId} in sandbox ${sandboxId}`, {
        details: { sandboxId, execId },
        hint: "List the sandbox's execs to find the id.",
      });
    return { record, live: this.sessions.get(execId) ?? null };
  }

  /** Waits (briefly) for the sandbox's live execs to record their end after a destroy. */
  async settleSandbox(sandboxId: string): Promise<void> {
    const live = [...(this.bySandbox.get(sandboxId) ?? [])].filter((s) => !s.isFinished);
    if (live.length === 0) return;
    let timer: TimerHandle | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = this.deps.clock.setTimer(5_000, resolve);
    });
    await Promise.race([Promise.allSettled(live.map((s) => s.done)), grace]);
    timer?.cancel();
  }

  close(): void {
    for (const timer of this.retention.values()) timer.cancel();
    this.retention.clear();
  }

  private replayInto(session: LiveExecSession, take: (chunk: RawChunk) => void): boolean {
    try {
      // output() would be async; the snapshot is synchronous so no chunk slips between.
      for (const entry of session.snapshot(0)) take(entry.value);
      return true;
    } catch {
      return false; // the start was already evicted
    }
  }

  private async finished(record: ExecRecord, result: ExecResult): Promise<void> {
    const { store, events, clock, logger } = this.deps;
    const endedAt = new Date(clock.now()).toISOString();
    try {
      await store.execs.finish(record.id, {
        endedAt,
        exitCode: result.exitCode,
        signal: result.signal,
        reason: result.reason,
        durationMs: result.durationMs,
      });
      await this.deps.touch(record.sandboxId);
    } catch (error) {
      logger.error({ err: error, execId: record.id }, "could not record an exec's end");
    }
    void events.emit(record.sandboxId, "exec.finished", {
      execId: record.id,
      reason: result.reason,
      exitCode: result.exitCode,
      signal: result.signal,
      durationMs: result.durationMs,
    });
    this.deps.execEnded(record.sandboxId);
    this.retention.set(
      record.id,
      clock.setTimer(this.deps.retentionMs, () => this.forget(record.id)),
    );
    // Bound memory under heavy exec traffic: keep only the most recent finished sessions.
    while (this.retention.size > MAX_RETAINED_FINISHED) {
      const oldest = this.retention.keys().next().value as string;
      this.retention.get(oldest)?.cancel();
      this.forget(oldest);
    }
  }

  private forget(execId: string): void {
    this.retention.delete(execId);
    const session = this.sessions.get(execId);
    if (session === undefined) return;
    this.sessions.delete(execId);
    const set = this.bySandbox.get(session.sandboxId);
    set?.delete(session);
    if (set?.size === 0) this.bySandbox.delete(session.sandboxId);
  }
}
