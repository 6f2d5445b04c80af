/**
 * Artifact retention: the artifacts of runs that finished more than `artifactRetentionDays`
 * ago (C8S_ARTIFACT_RETENTION_DAYS, default 30, 0 = keep forever) are deleted from the
 * BlobStore by a sweep at start and then every hour, in bounded batches; each artifact of such
 * a run is then marked `expiredAt` in the run record, so a download answers 410
 * ARTIFACT_EXPIRED and the team's stored bytes no longer count it. Step logs are kept.
 *
 * Blobs go first, the mark second: a crash in between leaves a run the next sweep finds again
 * (its deletes find nothing, then it is marked), never a blob nothing points to.
 */
import { retentionCutoff } from "../../config/retention.ts";
import type { RunRecord, RunRepository } from "../../store/index.ts";
import type { RunStorage } from "./run-storage.ts";

export interface ArtifactSweepOptions {
  /** 0: keep forever (the sweep deletes nothing). */
  retentionDays: number;
  now?: () => number;
  /** Runs per batch (default 100). */
  batchSize?: number;
  /** Batches per sweep at most (default 50). */
  maxBatches?: number;
  /** Stops between runs when aborted (server shutdown). */
  signal?: AbortSignal;
}

export interface ArtifactSweepDeps {
  runs: Pick<RunRepository, "withArtifactsFinishedBefore" | "update">;
  storage: Pick<RunStorage, "deleteArtifacts">;
}

/** The ISO time before which finished runs lose their artifacts, or null when kept forever (pure). */
export const artifactRetentionCutoff = retentionCutoff;

/** The run's artifacts with every stored one marked expired at `at` (pure; refused and already expired ones unchanged). */
export function markArtifactsExpired(artifacts: RunRecord["artifacts"], at: string): RunRecord["artifacts"] {
  return artifacts.map((a) => (a.refused !== undefined || a.expiredAt !== undefined ? a : { ...a, expiredAt: at }));
}

/** One sweep: deletes the artifacts of runs finished before the cutoff; returns the runs and blobs it expired. */
export async function sweepArtifacts(
  deps: ArtifactSweepDeps,
  options: ArtifactSweepOptions,
): Promise<{ runs: number; blobs: number }> {
  const now = options.now ?? Date.now;
  const cutoff = artifactRetentionCutoff(options.retentionDays, now());
  const swept = { runs: 0, blobs: 0 };
  if (cutoff === null) return swept;
  const batchSize = options.batchSize ?? 100;
  for (let batch = 0; batch < (options.maxBatches ?? 50); batch++) {
    const runs = await deps.runs.withArtifactsFinishedBefore(cutoff, batchSize);
    for (const run of runs) {
      if (options.signal?.aborted === true) return swept;
      swept.blobs += await deps.storage.deleteArtifacts(run.id);
      await deps.runs.update(run.id, { artifacts: markArtifactsExpired(run.artifacts, new Date(now()).toISOString()) });
      swept.runs++;
    }
    if (runs.length < batchSize) break;
  }
  return swept;
}

export interface ArtifactRetentionLogger {
  info(data: Record<string, unknown>, message: string): void;
  warn(data: Record<string, unknown>, message: string): void;
}

export interface ArtifactRetention {
  /** Clears the timer and waits for a sweep in flight. */
  stop(): Promise<void>;
}

/** Sweeps now and every `intervalMs` (default an hour) until stopped; failures are logged and retried at the next one. */
export function startArtifactRetention(
  deps: ArtifactSweepDeps,
  options: Omit<ArtifactSweepOptions, "signal"> & { logger?: ArtifactRetentionLogger | undefined; intervalMs?: number },
): ArtifactRetention {
  if (options.retentionDays <= 0) return { stop: async () => undefined };
  const abort = new AbortController();
  let running: Promise<void> = Promise.resolve();
  const sweep = () => {
    // One sweep at a time: a slow one is not overtaken by the next tick.
    running = running.then(async () => {
      if (abort.signal.aborted) return;
      try {
        const swept = await sweepArtifacts(deps, { ...options, signal: abort.signal });
        if (swept.runs > 0)
          options.logger?.info({ ...swept, retentionDays: options.retentionDays }, "run artifacts expired");
      } catch (error) {
        options.logger?.warn({ error: String(error) }, "artifact retention sweep failed; retrying at the next one");
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
