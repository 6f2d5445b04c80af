/**
 * Ends sandboxes past their TTL or idle timeout. One timer per running sandbox, set from
 * the record's expiresAt/lastActivityAt; when it fires the record is re-read (activity may
 * have moved the deadline) and either reaped or re-armed. Time comes from the injected Clock.
 */
import type { SandboxRecord } from "../store/types.ts";
import type { Clock, Logger, TimerHandle } from "./clock.ts";
import { reapVerdict } from "./sandbox-plan.ts";

export interface ReaperDeps {
  clock: Clock;
  logger: Logger;
  load(id: string): Promise<SandboxRecord | null>;
  /** True while the sandbox has a running exec (that counts as activity). */
  busy(id: string): boolean;
  /** Ends the sandbox with this reason (the engine re-checks under its lock). */
  reap(id: string, reason: "ttl" | "idle"): Promise<void>;
}

export class Reaper {
  private readonly timers = new Map<string, TimerHandle>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly deps: ReaperDeps) {}

  /** (Re-)arms the timer for a sandbox from its record. */
  schedule(record: SandboxRecord): void {
    this.cancel(record.id);
    if (this.closed) return;
    const now = this.deps.clock.now();
    const verdict = reapVerdict(record, now, this.deps.busy(record.id));
    if (verdict.action === "none") return;
    if (verdict.action === "reap") {
      this.track(this.check(record.id));
      return;
    }
    const timer = this.deps.clock.setTimer(verdict.untilMs - now, () => {
      this.timers.delete(record.id);
      this.track(this.check(record.id));
    });
    this.timers.set(record.id, timer);
  }

  cancel(id: string): void {
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
  }

  /** Resolves when every check started so far has finished (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  get armed(): number {
    return this.timers.size;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async check(id: string): Promise<void> {
    if (this.closed) return;
    try {
      const record = await this.deps.load(id);
      if (record === null) return;
      const verdict = reapVerdict(record, this.deps.clock.now(), this.deps.busy(id));
      if (verdict.action === "reap") await this.deps.reap(id, verdict.reason);
      else if (verdict.action === "wait") this.schedule(record);
    } catch (error) {
      this.deps.logger.error({ err: error, sandboxId: id }, "reaper could not end a sandbox; retrying in 30 s");
      if (!this.closed && !this.timers.has(id))
        this.timers.set(
          id,
          this.deps.clock.setTimer(30_000, () => {
            this.timers.delete(id);
            this.track(this.check(id));
          }),
        );
    }
  }
}
