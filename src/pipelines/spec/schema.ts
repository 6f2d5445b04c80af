/**
 * The `.c8s.yaml` format: one zod schema is the source of truth. It is published as JSON
 * Schema (`c8s schema`, `docs/pipeline.schema.json`) so it holds no transforms — values such
 * as `500m`, `512Mi` or `10m` are checked by pattern here and converted by `units.ts`.
 */
import { z } from "zod";

export const PIPELINE_VERSION = "v1alpha1";

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const CPU_RE = /^(?:\d+(?:\.\d+)?|\d+m)$/;
export const MEMORY_RE = /^\d+(?:Ki|Mi|Gi|Ti|K|M|G|T|k)?$/;
export const DURATION_RE = /^(?:\d+(?:ms|s|m|h))+$/;

const stepName = z
  .string()
  .regex(NAME_RE, "must start with a letter or digit and hold only letters, digits, '_', '.', '-' (at most 63)")
  .describe("Unique name; other steps refer to it in dependsOn.");
const envName = z.string().regex(ENV_NAME_RE, "must be an environment variable name such as API_TOKEN");
const duration = z.string().regex(DURATION_RE, "must be a duration such as 30s, 10m, 1h30m or 500ms");
const envMap = z
  .record(envName, z.union([z.string(), z.number(), z.boolean()]))
  .describe("Environment variables; numbers and booleans are turned into strings.");
const stringList = z.array(z.string().min(1));
/** A list, or one item written on its own. */
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]);

export const resourcesSchema = z
  .strictObject({
    cpu: z.string().regex(CPU_RE, "must be cores such as 1 or 0.5, or millicores such as 500m").optional(),
    memory: z.string().regex(MEMORY_RE, "must be bytes with a unit such as 512Mi or 1Gi").optional(),
  })
  .describe("Resource limits: cpu like 500m or 1, memory like 512Mi.");

export const retriesSchema = z
  .union([
    z.number().int().min(0).max(10),
    z.strictObject({
      count: z.number().int().min(0).max(10).describe("Extra attempts after the first failure."),
      backoff: duration.optional().describe("Wait before the first retry (default 1s)."),
      factor: z.number().min(1).max(10).optional().describe("Each further wait is multiplied by this (default 2)."),
      maxBackoff: duration.optional().describe("Upper bound of one wait (default 5m)."),
    }),
  ])
  .describe("Retries after a failure: a count, or {count, backoff, factor, maxBackoff}.");

export const EVENTS = ["push", "pull_request", "tag", "manual", "schedule"] as const;
const eventName = z.enum(EVENTS);

export const whenSchema = z
  .strictObject({
    branch: oneOrMany(z.string().min(1)).optional().describe("Branch globs (e.g. main, release/*); !glob excludes."),
    event: oneOrMany(eventName).optional().describe("Events that run the step."),
    paths: oneOrMany(z.string().min(1)).optional().describe("Run only when a changed path matches one of these globs."),
  })
  .describe("Run the step only when every given filter matches.");

const matrixValue = z.union([z.string(), z.number(), z.boolean()]);
export const matrixSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an identifier"), z.array(matrixValue).min(1))
  .describe("One step per combination of the values; use ${{ matrix.KEY }} in image, commands and env.");

export const readinessSchema = z.strictObject({
  command: z.string().min(1).describe("Shell command that exits 0 once the service is ready."),
  interval: duration.optional().describe("Wait between checks (default 1s)."),
  timeout: duration.optional().describe("Give up after this long (default 60s)."),
});

export const serviceSchema = z.strictObject({
  name: stepName,
  image: z
    .string()
    .min(1)
    .optional()
    .describe("Image (docker/kubernetes); on the local runtime the host binaries run."),
  commands: stringList
    .min(1)
    .describe("Shell commands that start the service, run in order; the last one keeps running."),
  env: envMap.optional(),
  secrets: z.array(envName).optional(),
  readiness: readinessSchema.optional(),
});

export const artifactsSchema = z
  .array(z.string().min(1))
  .describe("Paths (relative to the workspace, globs allowed) collected after the step succeeds.");

export const stepSchema = z.strictObject({
  name: stepName,
  image: z.string().min(1).optional().describe("Container image; on the local runtime the host's binaries are used."),
  commands: stringList.min(1).describe("Shell commands run in order in one shell; the first failure fails the step."),
  resources: resourcesSchema.optional(),
  dependsOn: z.array(stepName).optional().describe("Steps that must succeed first."),
  artifacts: artifactsSchema.optional(),
  env: envMap.optional(),
  secrets: z
    .array(envName)
    .optional()
    .describe("Names of secrets injected as environment variables and masked in logs."),
  timeout: duration.optional().describe("Per-attempt time limit (default 60m)."),
  retries: retriesSchema.optional(),
  allowFailure: z.boolean().optional().describe("A failure of this step does not fail the run."),
  when: whenSchema.optional(),
  matrix: matrixSchema.optional(),
  workdir: z.string().min(1).optional().describe("Directory inside the workspace to run commands in."),
});

const triggerFilter = z
  .strictObject({
    branches: z.array(z.string().min(1)).optional(),
    tags: z.array(z.string().min(1)).optional(),
    paths: z.array(z.string().min(1)).optional(),
  })
  .describe("Filters on a trigger; every given one must match.");

export const triggersSchema = z
  .strictObject({
    push: z.union([z.boolean(), triggerFilter]).optional(),
    pull_request: z.union([z.boolean(), triggerFilter]).optional(),
    tag: z.union([z.boolean(), triggerFilter]).optional(),
    manual: z.boolean().optional(),
    schedule: z.array(z.strictObject({ cron: z.string().min(1) })).optional(),
  })
  .describe("Which events start the pipeline. Absent: push, pull_request and manual.");

const debugSchema = z
  .union([
    z.literal("onFailure"),
    z.strictObject({
      onFailure: z.boolean().describe("Keep a failed step's sandbox."),
      keep: duration.optional().describe("How long it is kept (default 30m, at most 24h)."),
    }),
  ])
  .describe(
    "Keep a failed step's sandbox, its services and workspace for a while to debug it (`c8s runs debug RUN STEP`).",
  );

export const pipelineSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(PIPELINE_VERSION).describe("Format version."),
    name: stepName.describe("Pipeline name."),
    on: triggersSchema.optional(),
    env: envMap.optional(),
    timeout: duration.optional().describe("Whole-run time limit (default 2h)."),
    concurrency: z.number().int().min(1).max(256).optional().describe("Steps run at once at most (default 4)."),
    debug: debugSchema.optional(),
    services: z.array(serviceSchema).optional(),
    steps: z.array(stepSchema).min(1, "a pipeline needs at least one step"),
  })
  .meta({ title: "c8s pipeline (.c8s.yaml)", description: "A pipeline: steps run in sandboxes as a DAG." });

export type PipelineFile = z.infer<typeof pipelineSchema>;
export type StepDefinition = z.infer<typeof stepSchema>;
export type ServiceDefinition = z.infer<typeof serviceSchema>;
export type WhenFilter = z.infer<typeof whenSchema>;
export type Retries = z.infer<typeof retriesSchema>;
export type PipelineEvent = (typeof EVENTS)[number];

/** The published JSON Schema (draft 2020-12). */
export function pipelineJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(pipelineSchema, { target: "draft-2020-12" }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: "https://c8s.dev/schemas/pipeline.schema.json", ...rest };
}
