/**
 * Audit retention: entries older than `auditRetentionDays` (C8S_AUDIT_RETENTION_DAYS, default
 * 90, 0 = keep forever) are deleted by a sweep at start and then every hour, in bounded batches
 * so a large backlog never holds the store for long (what one sweep leaves, the next takes).
 */
import type { FastifyBaseLogger } from "fastify";
import { retentionCutoff } from "../config/retention.ts";
import type { AuditRepository } from "../store/index.ts";

export interface AuditSweepOptions {
  /** 0: keep forever (the sweep deletes nothing). */
  retentionDays: number;
  now?: () => number;
  /** Rows per DELETE (default 1000). */
  batchSize?: number;
  /** DELETEs per sweep at most (default 100). */
  maxBatches?: number;
  /** Stops between batches when aborted (server shutdown). */
  signal?: AbortSignal;
}

export { retentionCutoff };

/** One sweep: deletes entries older than the retention, batch by batch; returns how many. */
export async function sweepAuditLog(audit: AuditRepository, options: AuditSweepOptions): Promise<number> {
  const cutoff = retentionCutoff(options.retentionDays, (options.now ?? Date.now)());
  if (cutoff === null) return 0;
  const batchSize = options.batchSize ?? 1000;
  let deleted = 0;
  for (let batch = 0; batch < (options.maxBatches ?? 100) && options.signal?.aborted !== true; batch++) {
    const n = await audit.deleteBefore(cutoff, batchSize);
    deleted += n;
    if (n < batchSize) break;
  }
  return deleted;
}

export interface AuditRetention {
  /** Clears the timer and waits for a sweep in flight. */
  stop(): Promise<void>;
}

/** Sweeps now and every `intervalMs` (default an hour) until stopped; failures are logged. */
export function startAuditRetention(
  audit: AuditRepository,
  options: Omit<AuditSweepOptions, "signal"> & { logger: FastifyBaseLogger; intervalMs?: number },
): AuditRetention {
  if (options.retentionDays <= 0) return { stop: async () => undefined };
  const abort = new AbortController();
  let running: Promise<void> = Promise.resolve();
  const sweep = () => {
    // One sweep at a time: a slow one is not overtaken by the next tick.
    running = running.then(async () => {
      if (abort.signal.aborted) return;
      try {
        const deleted = await sweepAuditLog(audit, { ...options, signal: abort.signal });
        if (deleted > 0)
          options.logger.info({ deleted, retentionDays: options.retentionDays }, "audit entries expired");
      } catch (error) {
        options.logger.error({ error: String(error) }, "audit retention sweep failed; retrying at the next one");
      }
    });
  };
  const timer = setInterval(sweep, options.intervalMs ?? 60 * 60 * 1000);
  timer.unref();
  sweep();
  return {
    async stop() {
      abort.abort();
      clearInterval(timer);
      await running;
    },
  };
}
