/**
 * Which queued runs may start now: queue order (priority, then age) under a global
 * concurrency limit, a per-pipeline limit and, for a team with a run quota, a per-team limit.
 * A run held back by its pipeline's or its team's limit does not block runs behind it. Pure.
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
  teamId?: string;
}

/** Runs executing per team, and the run quota of each team that has one (absent: no quota). */
export interface TeamRunLimits {
  running: ReadonlyMap<string, number>;
  quotas: ReadonlyMap<string, number>;
}

export function pickRunnable(
  queued: readonly QueuedRun[],
  runningByPipeline: ReadonlyMap<string, number>,
  limits: QueueLimits,
  teams?: TeamRunLimits,
): string[] {
  let running = [...runningByPipeline.values()].reduce((a, b) => a + b, 0);
  const perPipeline = new Map(runningByPipeline);
  const perTeam = new Map(teams?.running ?? []);
  const picked: string[] = [];
  for (const run of queued) {
    if (running >= limits.maxRuns) break;
    const count = perPipeline.get(run.pipeline) ?? 0;
    if (count >= limits.maxRunsPerPipeline) continue;
    const team = run.teamId;
    const quota = team === undefined ? undefined : teams?.quotas.get(team);
    const teamCount = team === undefined ? 0 : (perTeam.get(team) ?? 0);
    if (quota !== undefined && teamCount >= quota) continue;
    picked.push(run.id);
    perPipeline.set(run.pipeline, count + 1);
    if (team !== undefined) perTeam.set(team, teamCount + 1);
    running++;
  }
  return picked;
}
