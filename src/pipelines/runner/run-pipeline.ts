/**
 * One pipeline run without a server (`c8s run`, like `act`): plan → fresh clone → services →
 * scheduled steps in sandboxes → artifacts, masked logs and `run.json` under the run
 * directory. The server's runs API will drive the same pieces with its store and queue.
 */
import { createHash } from "node:crypto";
import { chmod, mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { C8sError, toC8sError } from "../../errors/index.ts";
import type { ResourceLimits } from "../../runtimes/types.ts";
import type { WorkloadSandboxes } from "../../engine/workloads.ts";
import { type ArtifactStore, DirectoryArtifactStore } from "./artifact-store.ts";
import { cloneAt, type RepositoryRef } from "./git-workspace.ts";
import { SecretMasker } from "../../engine/masking.ts";
import { maskEvent, maskRunResult } from "./masked-events.ts";
import type { LocalRunEvent } from "./run-events.ts";
import { redactUrls } from "./repo-url.ts";
import { PLAN_DEFAULTS, type Plan, type PlanContext, planPipeline } from "../spec/plan.ts";
import { checkPlanCeilings } from "../spec/step-ceilings.ts";
import { quotaDirectory, releaseDirectoryQuota } from "../../runtimes/local/disk-quota.ts";
import { SCHEMA_CEILINGS, type SandboxCeilings } from "../../engine/ceilings.ts";
import { newId } from "../../engine/ids.ts";
import { type RunningService, serviceHosts, startServices, stopServices } from "./services.ts";
import { SandboxStepExecutor, workspaceHandOffFor } from "./sandbox-executor.ts";
import { type RunResult, runPlan, TERMINAL_STEP_STATES } from "./scheduler.ts";
import type { PipelineFile } from "../spec/schema.ts";

export type { LocalRunEvent } from "./run-events.ts";

export interface LocalRunOptions {
  pipeline: PipelineFile;
  repository: RepositoryRef;
  context: PlanContext;
  /** The engine: steps and services are its workloads (`c8s run` gives it an in-memory store). */
  sandboxes: WorkloadSandboxes;
  /**
   * Keep a failed step's sandbox to debug it even when the pipeline's `debug:` does not ask
   * (`--debug`, a run created with `debug: true`): `true` keeps it for the pipeline's `keep`
   * or the default 30 minutes, a number for that many ms. Undefined/false: as the file says.
   */
  debug?: boolean | number | undefined;
  /** The plan the caller already computed from `pipeline` and `context` (planned once per run). */
  plan?: Plan | undefined;
  /** Runs live in `<home>/runs/<runId>`. */
  home: string;
  /** Secret values by name (from --secret / --secret-file, later the secret store). */
  secrets: Record<string, string>;
  /** More values masked in every output (the clone's credential), given to no step. */
  masks?: readonly string[] | undefined;
  limits: ResourceLimits;
  /** The installation's ceilings: a step asking for more fails the run before anything starts. */
  ceilings?: SandboxCeilings | undefined;
  concurrency?: number | undefined;
  failFast?: boolean | undefined;
  signal?: AbortSignal | undefined;
  artifactStore?: ArtifactStore | undefined;
  /** Keep the clone after the run (default: removed). */
  keepWorkspace?: boolean | undefined;
  /**
   * A clone of `repository` at `commit` already made in `chooseWorkspaceDir(runDir, runId)`
   * (the server clones once to read the pipeline file): used as is, not cloned again.
   */
  preparedWorkspace?: { dir: string; commit: string } | undefined;
  onEvent?: ((event: LocalRunEvent) => void) | undefined;
  runId?: string | undefined;
  /** Steps reused from an earlier run (re-run from the failed step): not run again. */
  reuse?: ReadonlySet<string> | undefined;
  /**
   * Called once a step ended and its log file is closed (no attempt writes to it again), with
   * the file's path; the run waits for every call before it returns, and a failure is ignored
   * (the caller's own clean-up retries). The server moves the log into its BlobStore here.
   * Absent: logs stay under the run directory (`c8s run`).
   */
  onStepLogClosed?: ((step: string, path: string) => Promise<void>) | undefined;
}

export interface LocalRunResult extends RunResult {
  runId: string;
  runDir: string;
  commit: string | undefined;
  /** Log file of each step (where `onStepLogClosed` found it; gone if that moved it). */
  logs: Record<string, string>;
  /** Stored artifacts, and refused ones (`refused`: why; no key, size 0). */
  artifacts: { step: string; path: string; key: string; size: number; refused?: string | undefined }[];
  /** The last lines of a step's masked output. */
  lastLines(step: string, count: number): string[];
  /** Failed steps' sandboxes kept to debug, by step. */
  kept: Record<string, { sandboxId: string; until: string }>;
}

async function traversableByOthers(path: string): Promise<boolean> {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const info = await stat(dir).catch(() => null);
    if (info && (info.mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

/**
 * Where clones of the runs under `runsDir` go when that directory is not traversable:
 * `/var/lib/c8s/runs-<hash of runsDir>/`, one per runs directory (as the local runtime keeps
 * its sandboxes), so start-up recovery knows which leftovers are its own.
 */
export function outsideWorkspaceBase(runsDir: string): string {
  const key = createHash("sha256").update(resolve(runsDir)).digest("hex").slice(0, 12);
  return join("/var/lib/c8s", `runs-${key}`);
}

/**
 * Where the run's clone lives. Steps may run as other uids (the local runtime gives each
 * sandbox its own when c8s runs as root, and the clone to that uid), so the path must be
 * traversable by them: under the run directory when it is, else under
 * `outsideWorkspaceBase` (mode 0711: traversable, not listable).
 */
export async function chooseWorkspaceDir(runDir: string, runId: string): Promise<string> {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root || (await traversableByOthers(runDir))) return join(runDir, "workspace");
  const base = outsideWorkspaceBase(dirname(runDir));
  await mkdir(join(base, runId), { recursive: true, mode: 0o711 });
  for (const dir of ["/var/lib/c8s", base, join(base, runId)]) await chmod(dir, 0o711);
  return join(base, runId, "workspace");
}

/**
 * Start-up recovery: removes the clone of every run under `runsDir` not in `keep` (the runs
 * live in this process), wherever `chooseWorkspaceDir` put it. Logs and artifacts stay.
 * Returns the run ids whose clone was removed.
 */
export async function removeLeftoverWorkspaces(runsDir: string, keep: ReadonlySet<string>): Promise<string[]> {
  const removed = new Set<string>();
  const names = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).filter((n) => !keep.has(n));
  for (const id of await names(runsDir)) {
    const workspace = join(runsDir, id, "workspace");
    if (!(await stat(workspace).catch(() => null))) continue;
    await releaseDirectoryQuota(workspace);
    await rm(workspace, { recursive: true, force: true });
    removed.add(id);
  }
  const outside = outsideWorkspaceBase(runsDir);
  for (const id of await names(outside)) {
    await releaseDirectoryQuota(join(outside, id, "workspace"));
    await rm(join(outside, id), { recursive: true, force: true });
    removed.add(id);
  }
  return [...removed].sort();
}

/**
 * Gives the run's clone (before it is cloned) a disk quota of `diskBytes`, shared by every
 * step and service of the run, where the host allows it (root and loop devices; see
 * `runtimes/local/disk-quota.ts`); elsewhere it stays a plain directory. `removeWorkspace` undoes it.
 */
export async function quotaWorkspace(workspaceDir: string, diskBytes: number): Promise<boolean> {
  return quotaDirectory(workspaceDir, diskBytes);
}

/** Removes a run's clone (unmounting its quota first), and its own parent when it lives outside the run directory. */
export async function removeWorkspace(workspaceDir: string, runDir: string): Promise<void> {
  await releaseDirectoryQuota(workspaceDir);
  await rm(workspaceDir, { recursive: true, force: true });
  if (!workspaceDir.startsWith(runDir)) await rm(dirname(workspaceDir), { recursive: true, force: true });
}

/** Run ids come from the engine's one id generator (time-ordered, label-safe). */
export const newRunId = (): string => newId("run", Date.now());

/** Secrets the plan names that were not given: refused before anything starts. */
export function missingSecrets(plan: Plan, secrets: Record<string, string>): string[] {
  return plan.secrets.filter((name) => secrets[name] === undefined);
}

export async function runPipelineLocally(options: LocalRunOptions): Promise<LocalRunResult> {
  const runId = options.runId ?? newRunId();
  const runDir = join(options.home, "runs", runId);
  // Every value given to the run (and `::add-mask::` ones as steps register them).
  const masker = new SecretMasker([...Object.values(options.secrets), ...(options.masks ?? [])]);
  const emit = (event: LocalRunEvent) => options.onEvent?.(maskEvent(event, masker));
  const plan = options.plan ?? planPipeline(options.pipeline, options.context);
  checkPlanCeilings(plan, options.limits, options.ceilings ?? SCHEMA_CEILINGS);
  const missing = missingSecrets(plan, options.secrets);
  if (missing.length > 0)
    throw new C8sError(
      "SECRET_NOT_FOUND",
      `the pipeline needs secret${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`,
      {
        details: { missing },
        hint: `Pass ${missing.map((m) => `--secret ${m}=VALUE`).join(" ")} or --secret-file FILE.`,
      },
    );
  await mkdir(runDir, { recursive: true });
  // Callers split a credential out of the URL (splitRepoUrl); redacted again for safety.
  const shownUrl = redactUrls(options.repository.url);
  const workspaceDir = options.preparedWorkspace?.dir ?? (await chooseWorkspaceDir(runDir, runId));
  // A kept clone outlives the run, so it stays a plain directory (a quota mount would outlive c8s).
  if (options.preparedWorkspace === undefined && options.keepWorkspace !== true)
    await quotaWorkspace(workspaceDir, options.limits.diskBytes);
  const artifacts: LocalRunResult["artifacts"] = [];
  const caps = await options.sandboxes.capabilities();
  // A step's `image` is a registry reference: runtimes without registries (local) run steps on the host's binaries.
  const useImages = caps.registryImages;
  const workspaceHandOff = workspaceHandOffFor(caps);
  const network = plan.services.length > 0 ? { mode: "group" as const, group: runId } : { mode: "none" as const };
  const baseEnv: Record<string, string> = {
    CI: "true",
    C8S: "true",
    C8S_RUN_ID: runId,
    C8S_PIPELINE: plan.name,
    C8S_EVENT: options.context.event,
    // The clone belongs to another uid than the step's: let git inside the step use it.
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "safe.directory",
    GIT_CONFIG_VALUE_0: "*",
    ...(options.context.branch ? { C8S_BRANCH: options.context.branch } : {}),
  };
  const onOutput = (source: string, stream: "stdout" | "stderr", data: Buffer) =>
    emit({ type: "output", source, stream, data });
  const kept: LocalRunResult["kept"] = {};
  const keepMs =
    typeof options.debug === "number"
      ? options.debug
      : options.debug === true
        ? (plan.debugKeepMs ?? PLAN_DEFAULTS.debugKeepMs)
        : plan.debugKeepMs;
  const executor = new SandboxStepExecutor({
    sandboxes: options.sandboxes,
    runId,
    workspaceDir,
    workspaceHandOff,
    workdir: "/workspace",
    network,
    useImages,
    secrets: options.secrets,
    baseEnv,
    limits: options.limits,
    masker,
    logDir: join(runDir, "logs"),
    artifacts: { store: options.artifactStore ?? new DirectoryArtifactStore(join(runDir, "artifacts")), keyPrefix: "" },
    onOutput,
    onSandbox: (step, sandboxId) => emit({ type: "sandbox", step, sandboxId }),
    debug:
      keepMs === undefined
        ? undefined
        : {
            keepMs,
            onKept: (step, sandboxId, untilMs) => {
              const until = new Date(untilMs).toISOString();
              kept[step] = { sandboxId, until };
              emit({ type: "kept", step, sandboxId, until });
            },
          },
    onArtifacts: (step, collected) => {
      for (const a of collected.stored) {
        const record = { step, path: a.path, key: a.key, size: a.size };
        artifacts.push(record);
        emit({ type: "artifact", ...record });
      }
      for (const a of collected.refused) {
        const record = { step, path: a.path, key: "", size: 0, refused: a.reason };
        artifacts.push(record);
        emit({ type: "artifact", ...record });
      }
    },
  });

  // A step's log is closed (and handed to `onStepLogClosed`) as soon as the step ends.
  const closedLogs = new Set<string>();
  const handOvers: Promise<void>[] = [];
  const onSchedulerEvent = (event: LocalRunEvent) => {
    emit(event);
    if (event.type !== "step" || !TERMINAL_STEP_STATES.has(event.step.state) || closedLogs.has(event.step.name)) return;
    const step = event.step.name;
    closedLogs.add(step);
    handOvers.push(
      executor
        .closeLog(step)
        .then(() => options.onStepLogClosed?.(step, executor.logPath(step)))
        .catch(() => undefined),
    );
  };

  let services: RunningService[] = [];
  let commit: string | undefined;
  let result: RunResult;
  const started = Date.now();
  try {
    emit({ type: "run", state: "cloning", runId, detail: `${shownUrl} @ ${options.repository.commit}` });
    // No chmod for the steps: the local runtime gives the clone to the steps' uid (as root)
    // or runs them as this uid, Docker's root steps run as the owner; see docs/pipelines.md.
    commit =
      options.preparedWorkspace?.commit ?? (await cloneAt(options.repository, workspaceDir, options.signal)).commit;
    baseEnv["C8S_COMMIT"] = commit;
    if (plan.services.length > 0) {
      emit({ type: "run", state: "starting-services", runId });
      services = await startServices(plan.services, {
        sandboxes: options.sandboxes,
        runId,
        ttlMs: plan.timeoutMs,
        workspaceDir,
        workspaceHandOff,
        workdir: "/workspace",
        network,
        useImages,
        secrets: options.secrets,
        baseEnv,
        limits: options.limits,
        masker,
        onOutput,
        signal: options.signal,
      });
      for (const s of services) emit({ type: "service", name: s.name, state: "ready" });
      Object.assign(baseEnv, await serviceHosts(services, options.sandboxes));
    }
    emit({ type: "run", state: "running", runId });
    result = maskRunResult(
      await runPlan(plan, executor, {
        concurrency: options.concurrency,
        failFast: options.failFast,
        signal: options.signal,
        ...(options.reuse ? { reuse: options.reuse } : {}),
        onEvent: onSchedulerEvent,
      }),
      masker,
    );
  } catch (error) {
    const failure = toC8sError(error);
    const cancelled = options.signal?.aborted === true;
    result = {
      state: cancelled ? "cancelled" : "failed",
      reason: cancelled ? "cancelled" : masker.maskString(redactUrls(failure.message)),
      steps: plan.steps.map((s) => ({
        name: s.name,
        state: cancelled ? "cancelled" : "skipped",
        attempts: 0,
        startedAt: undefined,
        finishedAt: undefined,
        durationMs: undefined,
        exitCode: undefined,
        reason: cancelled ? "cancelled" : "the run could not start",
      })),
      durationMs: Date.now() - started,
    };
  } finally {
    // Services stay up while a failed step's sandbox is kept to debug it: the kept sandbox
    // expires, and the reaper ends them with it (they share its TTL).
    if (Object.keys(kept).length === 0) await stopServices(services, options.sandboxes);
    for (const s of services) emit({ type: "service", name: s.name, state: "stopped" });
    await executor.close();
    await Promise.all(handOvers);
  }
  const logs = Object.fromEntries(plan.steps.map((s) => [s.name, executor.logPath(s.name)]));
  const summary = {
    runId,
    pipeline: plan.name,
    repository: { url: shownUrl, commit: commit ?? options.repository.commit },
    context: options.context,
    ...result,
    artifacts,
  };
  await writeFile(join(runDir, "run.json"), `${JSON.stringify(summary, null, 2)}\n`);
  if (!options.keepWorkspace) await removeWorkspace(workspaceDir, runDir);
  emit({ type: "run", state: "finished", runId, detail: result.state });
  return {
    ...result,
    runId,
    runDir,
    commit,
    logs,
    artifacts,
    lastLines: (step, count) => executor.tail(step).lastLines(count),
    kept,
  };
}
