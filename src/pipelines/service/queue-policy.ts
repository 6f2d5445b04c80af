/**
 * Which queued runs may start now: queue order (priority, then age) under a global
 * concurrency limit and a per-pipeline limit. A run held back by its pipeline's limit does
 * not block runs of other pipelines behind it. Pure.
 */
export interface QueueLimits {
  /** Runs executing at once on this server. */
  maxRuns: number;
  /** Runs of one pipeline (by name) executing at once. */
  maxRunsPerPipeline: number;
}

export interface QueuedRun {
  id: string;
  pipeline: string;
}

export function pickRunnable(
  queued: readonly QueuedRun[],
  runningByPipeline: ReadonlyMap<string, number>,
  limits: QueueLimits,
): string[] {
  let running = [...runningByPipeline.values()].reduce((a, b) => a + b, 0);
  const perPipeline = new Map(runningByPipeline);
  const picked: string[] = [];
  for (const run of queued) {
    if (running >= limits.maxRuns) break;
    const count = perPipeline.get(run.pipeline) ?? 0;
    if (count >= limits.maxRunsPerPipeline) continue;
    picked.push(run.id);
    perPipeline.set(run.pipeline, count + 1);
    running++;
  }
  return picked;
}
