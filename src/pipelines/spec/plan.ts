/**
 * The pure planner: pipeline + trigger context → DAG of concrete steps. Matrices are
 * expanded, `when` filters evaluated, units converted, topological levels computed.
 * No I/O: the same plan drives the local runner and the server.
 */
import { C8sError } from "../../errors/index.ts";
import { findCycles } from "./graph-problems.ts";
import { matchesPatterns } from "./glob.ts";
import type { PipelineEvent, PipelineFile, Retries, ServiceDefinition, StepDefinition, WhenFilter } from "./schema.ts";
import { parseCpuMillis, parseDurationMs, parseMemoryBytes } from "./units.ts";

export interface PlanContext {
  event: PipelineEvent;
  branch?: string | undefined;
  tag?: string | undefined;
  /** Paths changed by the push/PR; undefined when unknown (then path filters match). */
  changedPaths?: readonly string[] | undefined;
}

export interface RetryPolicy {
  /** Extra attempts after the first. */
  count: number;
  backoffMs: number;
  factor: number;
  maxBackoffMs: number;
}

export interface PlannedStep {
  /** Unique in the plan: the step name, plus `[key=value,…]` for a matrix combination. */
  name: string;
  /** The step's name in the file. */
  baseName: string;
  matrix: Record<string, string> | undefined;
  image: string | undefined;
  commands: string[];
  /** Pipeline env, then step env, then matrix values as MATRIX_<KEY>. */
  env: Record<string, string>;
  secrets: string[];
  /** Names of planned steps this one waits for. */
  dependsOn: string[];
  cpuMillis: number | undefined;
  memoryBytes: number | undefined;
  timeoutMs: number;
  retries: RetryPolicy;
  allowFailure: boolean;
  artifacts: string[];
  workdir: string | undefined;
  /** Set when a `when` filter excludes the step: it is skipped and counts as satisfied. */
  excluded: string | undefined;
  /** Topological level, 0 = no dependencies. */
  level: number;
}

export interface PlannedService {
  name: string;
  image: string | undefined;
  commands: string[];
  env: Record<string, string>;
  secrets: string[];
  readiness: { command: string; intervalMs: number; timeoutMs: number } | undefined;
}

export interface Plan {
  name: string;
  /** In topological order (level, then file order). */
  steps: PlannedStep[];
  levels: string[][];
  services: PlannedService[];
  timeoutMs: number;
  concurrency: number;
  /** How long a failed step's sandbox is kept to debug it (`debug:`); undefined: not kept. */
  debugKeepMs: number | undefined;
  /** Every secret name any step or service references. */
  secrets: string[];
}

export const PLAN_DEFAULTS = {
  stepTimeoutMs: 60 * 60 * 1000,
  runTimeoutMs: 2 * 60 * 60 * 1000,
  concurrency: 4,
  debugKeepMs: 30 * 60 * 1000,
  maxDebugKeepMs: 24 * 60 * 60 * 1000,
  backoffMs: 1000,
  factor: 2,
  maxBackoffMs: 5 * 60 * 1000,
  readinessIntervalMs: 1000,
  readinessTimeoutMs: 60_000,
};

type Scalar = string | number | boolean;

/** Every combination of the matrix, in file order (first key varies slowest). */
export function expandMatrix(matrix: Record<string, Scalar[]> | undefined): Record<string, string>[] {
  if (matrix === undefined || Object.keys(matrix).length === 0) return [{}];
  let combos: Record<string, string>[] = [{}];
  for (const [key, values] of Object.entries(matrix))
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: String(v) })));
  return combos;
}

/** Replaces `${{ matrix.key }}` in a string. Unknown keys are left as written. */
export function interpolate(text: string, matrix: Record<string, string>): string {
  return text.replace(
    /\$\{\{\s*matrix\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g,
    (whole, key: string) => matrix[key] ?? whole,
  );
}

function toList<T>(value: T | T[] | undefined): T[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? value : [value];
}

/** Why a `when` filter excludes a step, or undefined if it runs. */
export function whenExcludes(when: WhenFilter | undefined, ctx: PlanContext): string | undefined {
  if (when === undefined) return undefined;
  const events = toList(when.event);
  if (events && !events.includes(ctx.event)) return `event '${ctx.event}' is not in when.event`;
  const branches = toList(when.branch);
  if (branches && (ctx.branch === undefined || !matchesPatterns(ctx.branch, branches)))
    return ctx.branch === undefined ? "the run has no branch" : `branch '${ctx.branch}' does not match when.branch`;
  const paths = toList(when.paths);
  if (paths && ctx.changedPaths !== undefined && !ctx.changedPaths.some((p) => matchesPatterns(p, paths)))
    return "no changed path matches when.paths";
  return undefined;
}

/** Whether the pipeline's `on` triggers accept this event. Absent `on`: push, pull_request, manual. */
export function triggerAccepts(pipeline: PipelineFile, ctx: PlanContext): boolean {
  const on = pipeline.on;
  if (on === undefined) return ctx.event === "push" || ctx.event === "pull_request" || ctx.event === "manual";
  if (ctx.event === "manual") return on.manual ?? true;
  if (ctx.event === "schedule") return (on.schedule?.length ?? 0) > 0;
  const trigger = on[ctx.event];
  if (trigger === undefined || trigger === false) return false;
  if (trigger === true) return true;
  if (trigger.branches && (ctx.branch === undefined || !matchesPatterns(ctx.branch, trigger.branches))) return false;
  if (trigger.tags && (ctx.tag === undefined || !matchesPatterns(ctx.tag, trigger.tags))) return false;
  if (
    trigger.paths &&
    ctx.changedPaths !== undefined &&
    !ctx.changedPaths.some((p) => matchesPatterns(p, trigger.paths ?? []))
  )
    return false;
  return true;
}

export function retryPolicy(retries: Retries | undefined): RetryPolicy {
  if (retries === undefined || typeof retries === "number")
    return {
      count: retries ?? 0,
      backoffMs: PLAN_DEFAULTS.backoffMs,
      factor: PLAN_DEFAULTS.factor,
      maxBackoffMs: PLAN_DEFAULTS.maxBackoffMs,
    };
  return {
    count: retries.count,
    backoffMs: retries.backoff ? parseDurationMs(retries.backoff) : PLAN_DEFAULTS.backoffMs,
    factor: retries.factor ?? PLAN_DEFAULTS.factor,
    maxBackoffMs: retries.maxBackoff ? parseDurationMs(retries.maxBackoff) : PLAN_DEFAULTS.maxBackoffMs,
  };
}

/** Wait before retry number `attempt` (1 = the first retry). */
export function backoffDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * policy.factor ** Math.max(0, attempt - 1));
}

function stringEnv(env: Record<string, Scalar> | undefined, matrix: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) out[k] = interpolate(String(v), matrix);
  return out;
}

function matrixName(base: string, matrix: Record<string, string>): string {
  const entries = Object.entries(matrix);
  return entries.length === 0 ? base : `${base}[${entries.map(([k, v]) => `${k}=${v}`).join(",")}]`;
}

function planStep(step: StepDefinition, matrix: Record<string, string>, pipeline: PipelineFile, ctx: PlanContext) {
  const matrixEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(matrix)) matrixEnv[`MATRIX_${k.toUpperCase()}`] = v;
  return {
    name: matrixName(step.name, matrix),
    baseName: step.name,
    matrix: Object.keys(matrix).length === 0 ? undefined : matrix,
    image: step.image === undefined ? undefined : interpolate(step.image, matrix),
    commands: step.commands.map((c) => interpolate(c, matrix)),
    env: { ...stringEnv(pipeline.env, matrix), ...stringEnv(step.env, matrix), ...matrixEnv },
    secrets: [...new Set(step.secrets ?? [])],
    cpuMillis: step.resources?.cpu === undefined ? undefined : parseCpuMillis(step.resources.cpu),
    memoryBytes: step.resources?.memory === undefined ? undefined : parseMemoryBytes(step.resources.memory),
    timeoutMs: step.timeout === undefined ? PLAN_DEFAULTS.stepTimeoutMs : parseDurationMs(step.timeout),
    retries: retryPolicy(step.retries),
    allowFailure: step.allowFailure ?? false,
    artifacts: (step.artifacts ?? []).map((a) => interpolate(a, matrix)),
    workdir: step.workdir === undefined ? undefined : interpolate(step.workdir, matrix),
    excluded: whenExcludes(step.when, ctx),
  };
}

function planService(service: ServiceDefinition, pipeline: PipelineFile): PlannedService {
  return {
    name: service.name,
    image: service.image,
    commands: service.commands,
    env: { ...stringEnv(pipeline.env, {}), ...stringEnv(service.env, {}) },
    secrets: service.secrets ?? [],
    readiness:
      service.readiness === undefined
        ? undefined
        : {
            command: service.readiness.command,
            intervalMs: service.readiness.interval
              ? parseDurationMs(service.readiness.interval)
              : PLAN_DEFAULTS.readinessIntervalMs,
            timeoutMs: service.readiness.timeout
              ? parseDurationMs(service.readiness.timeout)
              : PLAN_DEFAULTS.readinessTimeoutMs,
          },
  };
}

/** Builds the plan. Throws PIPELINE_INVALID for a graph lint would also reject. */
export function planPipeline(pipeline: PipelineFile, ctx: PlanContext): Plan {
  const expanded = new Map<string, string[]>();
  const drafts: (Omit<PlannedStep, "dependsOn" | "level"> & { deps: string[] })[] = [];
  for (const step of pipeline.steps) {
    if (expanded.has(step.name))
      throw new C8sError("PIPELINE_INVALID", `duplicate step name '${step.name}'`, { hint: "Run `c8s lint`." });
    const names: string[] = [];
    for (const combo of expandMatrix(step.matrix)) {
      const draft = planStep(step, combo, pipeline, ctx);
      names.push(draft.name);
      drafts.push({ ...draft, deps: step.dependsOn ?? [] });
    }
    expanded.set(step.name, names);
  }
  for (const draft of drafts)
    for (const dep of draft.deps)
      if (!expanded.has(dep))
        throw new C8sError("PIPELINE_INVALID", `step '${draft.baseName}' depends on missing step '${dep}'`, {
          hint: "Run `c8s lint`.",
        });
  const cycles = findCycles(
    pipeline.steps.map((s) => ({ name: s.name, dependsOn: (s.dependsOn ?? []).map((name) => ({ name })) })),
  );
  if (cycles.length > 0)
    throw new C8sError("PIPELINE_INVALID", `dependency cycle: ${(cycles[0] ?? []).join(" -> ")}`, {
      hint: "Run `c8s lint`.",
    });

  // Kahn's algorithm over the expanded graph, keeping file order inside a level.
  const dependsOn = new Map(
    drafts.map((d) => [d.name, [...new Set(d.deps.flatMap((dep) => expanded.get(dep) ?? []))]]),
  );
  const level = new Map<string, number>();
  const levels: string[][] = [];
  let remaining = drafts.map((d) => d.name);
  while (remaining.length > 0) {
    const ready = remaining.filter((name) => (dependsOn.get(name) ?? []).every((dep) => level.has(dep)));
    for (const name of ready) level.set(name, levels.length);
    levels.push(ready);
    remaining = remaining.filter((name) => !level.has(name));
  }
  const steps: PlannedStep[] = levels.flatMap((names) =>
    names.map((name) => {
      const draft = drafts.find((d) => d.name === name);
      if (!draft) throw new C8sError("INTERNAL", `planner lost step ${name}`);
      const { deps: _deps, ...rest } = draft;
      return { ...rest, dependsOn: dependsOn.get(name) ?? [], level: level.get(name) ?? 0 };
    }),
  );
  const services = (pipeline.services ?? []).map((s) => planService(s, pipeline));
  const secrets = [...new Set([...steps.flatMap((s) => s.secrets), ...services.flatMap((s) => s.secrets)])].sort();
  return {
    name: pipeline.name,
    steps,
    levels,
    services,
    timeoutMs: pipeline.timeout === undefined ? PLAN_DEFAULTS.runTimeoutMs : parseDurationMs(pipeline.timeout),
    concurrency: pipeline.concurrency ?? PLAN_DEFAULTS.concurrency,
    debugKeepMs: debugKeepMs(pipeline.debug),
    secrets,
  };
}

/** How long `debug:` keeps a failed step's sandbox: the default, or `keep` up to the maximum. */
export function debugKeepMs(debug: PipelineFile["debug"]): number | undefined {
  if (debug === undefined) return undefined;
  if (debug === "onFailure") return PLAN_DEFAULTS.debugKeepMs;
  if (!debug.onFailure) return undefined;
  const keep = debug.keep === undefined ? PLAN_DEFAULTS.debugKeepMs : parseDurationMs(debug.keep);
  return Math.min(keep, PLAN_DEFAULTS.maxDebugKeepMs);
}
