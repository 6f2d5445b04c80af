/**
 * Run records → the public JSON of /v1/runs (never the pipeline YAML or secret values). The
 * zod schema documents it in /openapi.json (and so the SDK's generated types) and types it here.
 */
import { z } from "zod";
import { RUN_STATES } from "../../store/runs-types.ts";
import type { RunDetails } from "../../pipelines/service/run-service.ts";

const isoTime = z.string().describe("ISO 8601 timestamp");
const runState = z.enum(RUN_STATES as [string, ...string[]]);

export const publicRunStepSchema = z.object({
  name: z.string(),
  state: runState,
  reason: z.string().nullable(),
  attempts: z.number(),
  exitCode: z.number().nullable(),
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  durationMs: z.number().nullable(),
});

export const publicRunSchema = z.object({
  id: z.string(),
  pipeline: z.string(),
  team: z.string().describe("The team it belongs to."),
  state: runState,
  reason: z.string().nullable(),
  priority: z.number(),
  queuePosition: z.number().nullable(),
  repoUrl: z.string().describe("Any credential in it replaced by ***."),
  repoSecret: z
    .string()
    .nullable()
    .describe("The name of the team secret the clone authenticates with (never its value)."),
  ref: z.string(),
  commit: z.string().nullable(),
  branch: z.string().nullable(),
  event: z.string(),
  pipelinePath: z.string().nullable(),
  trigger: z.object({
    kind: z.enum(["api", "webhook", "rerun"]),
    by: z.string(),
    tokenId: z.string().optional().describe("The token that submitted it."),
    secrets: z.boolean().optional().describe("Whether that token may use the team's secrets."),
    deliveryId: z.string().optional(),
    hook: z.string().optional().describe("The team hook (POST /v1/hooks) the webhook delivery came through."),
    fork: z
      .boolean()
      .optional()
      .describe(
        "A pull request from a fork (or of the re-run of one): secrets are withheld unless a secret's policy allows forks.",
      ),
    debug: z.boolean().optional(),
  }),
  rerunOf: z.string().nullable(),
  reuse: z.array(z.string()),
  cancelPrevious: z.boolean(),
  artifacts: z.array(
    z.object({
      step: z.string(),
      path: z.string(),
      key: z.string(),
      size: z.number(),
      refused: z
        .string()
        .optional()
        .describe(
          "Set when the artifact was not stored because it showed a secret where it cannot be masked (a binary file, a directory's tar, its path): why, naming the secret. Text artifacts are stored masked.",
        ),
      expiredAt: isoTime
        .optional()
        .describe(
          "Set when the artifact retention (C8S_ARTIFACT_RETENTION_DAYS after the run finished) deleted it: a download answers 410 ARTIFACT_EXPIRED.",
        ),
    }),
  ),
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  steps: z.array(publicRunStepSchema).optional().describe("With GET /v1/runs/:id; absent in lists."),
});
export type PublicRun = z.output<typeof publicRunSchema>;

export function toPublicRun(details: RunDetails, withSteps = true): PublicRun {
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
    repoSecret: run.repoSecret,
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
