/** Run records → the public JSON of /v1/runs (never the pipeline YAML or secret values). */
import type { RunDetails } from "../../pipelines/service/run-service.ts";

export function toPublicRun(details: RunDetails, withSteps = true) {
  const { run, steps, queuePosition } = details;
  return {
    id: run.id,
    pipeline: run.pipeline,
    team: run.teamId,
    state: run.state,
    reason: run.reason,
    priority: run.priority,
    queuePosition,
    repoUrl: run.repoUrl,
    ref: run.ref,
    commit: run.commit,
    branch: run.branch,
    event: run.event,
    pipelinePath: run.pipelinePath,
    trigger: run.trigger,
    rerunOf: run.rerunOf,
    reuse: run.reuse,
    cancelPrevious: run.cancelPrevious,
    artifacts: run.artifacts,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    ...(withSteps
      ? {
          steps: steps.map((s) => ({
            name: s.name,
            state: s.state,
            reason: s.reason,
            attempts: s.attempts,
            exitCode: s.exitCode,
            startedAt: s.startedAt,
            finishedAt: s.finishedAt,
            durationMs: s.durationMs,
          })),
        }
      : {}),
  };
}
