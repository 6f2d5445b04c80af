/**
 * Executes one claimed run: a first clone (to read the pipeline file and pin the commit),
 * the plan, secrets from the store, then `runPipelineLocally` — the same scheduler and
 * sandbox executor as `c8s run` — with every step change persisted and output fed to the
 * live logs. Returns the final state; never throws.
 *
 * The repository URL is checked against the clone policy again right before the clone: a run
 * queued under a laxer policy (before a restart with another setting) fails, uncloned.
 *
 * A run naming a team secret to clone with (`repoSecret`) has it checked again here, before
 * the clone (`repo-secret.ts`), its use audited as `secret.use`; its value masks every output.
 *
 * The pipeline file is read from git's objects at the pinned commit (`readCommittedFile`),
 * never through the checked-out tree, so a symlink in the repository cannot make the server
 * read a host file. Only a file that parsed is stored in the run record.
 */
import { join, normalize } from "node:path";
import { C8sError, toC8sError } from "../../errors/index.ts";
import type { ResourceLimits } from "../../runtimes/types.ts";
import type { WorkloadSandboxes } from "../../engine/workloads.ts";
import type { SandboxCeilings } from "../../engine/ceilings.ts";
import type { RunRecord, RunState, RunStepRecord, Store } from "../../store/index.ts";
import { cloneAt } from "../runner/git-workspace.ts";
import { loadPipeline } from "../spec/lint.ts";
import { chooseWorkspaceDir, quotaWorkspace, removeWorkspace, runPipelineLocally } from "../runner/run-pipeline.ts";
import { type PlanContext, planPipeline, triggerAccepts } from "../spec/plan.ts";
import { readCommittedFile } from "../runner/repo-file.ts";
import { redactUrls, type RepoCredential } from "../runner/repo-url.ts";
import { checkCloneUrl, cloneGitOptions, type ClonePolicy } from "../runner/clone-policy.ts";
import type { StepRecord } from "../runner/scheduler.ts";
import type { PipelineEvent } from "../spec/schema.ts";
import type { LiveLogs } from "./live-logs.ts";
import type { SecretBox } from "./secret-box.ts";
import { isStepTransition, type StepPosition } from "./run-states.ts";
import { loadRunSecrets } from "./run-secrets.ts";
import { credentialMasks, openRepoSecret } from "./repo-secret.ts";
import type { RunStorage } from "./run-storage.ts";
import { maskText } from "../../engine/masking.ts";

export interface ExecutionDeps {
  store: Store;
  sandboxes: WorkloadSandboxes;
  /** `<c8s home>/pipelines`: runs live in `runs/<id>/` below it. */
  pipelinesHome: string;
  limits: ResourceLimits;
  ceilings?: SandboxCeilings | undefined;
  secretBox: SecretBox;
  clonePolicy: ClonePolicy;
  logs: LiveLogs;
  /** Artifacts and finished step logs (the BlobStore); the spools are under `runs/<id>/logs/`. */
  storage: RunStorage;
}

export interface ExecutionOutcome {
  state: RunState;
  reason: string | null;
}

export function runDir(pipelinesHome: string, runId: string): string {
  return join(pipelinesHome, "runs", runId);
}

/** What `git checkout` gets: the commit, else the branch's remote-tracking ref, else HEAD. */
export function checkoutRef(run: Pick<RunRecord, "ref" | "branch" | "commit">): string {
  if (run.commit) return run.commit;
  if (run.ref !== "" && run.ref !== run.branch) return run.ref;
  return run.branch ? `origin/${run.branch}` : "HEAD";
}

/** A repository-relative pipeline path: no absolute paths, no `..`. */
export function safePipelinePath(path: string): string {
  const clean = normalize(path);
  if (clean.startsWith("/") || clean === ".." || clean.startsWith("../"))
    throw new C8sError("INVALID_ARGUMENT", `pipeline path '${path}' leaves the repository`, {
      details: { field: "pipelinePath" },
      hint: "Give a path relative to the repository root, such as .c8s.yaml.",
    });
  return clean;
}

/** The AAD a run's repository credential is sealed under: bound to the (redacted) URL it is for. */
export function credentialSealName(repoUrl: string): string {
  return `repo-credential:${repoUrl}`;
}

export function sealCredential(box: SecretBox, repoUrl: string, credential: RepoCredential): string {
  return box.seal(credentialSealName(repoUrl), JSON.stringify(credential));
}

function openCredential(box: SecretBox, run: RunRecord): RepoCredential | undefined {
  if (run.repoCredential === null) return undefined;
  const value = JSON.parse(box.open(credentialSealName(run.repoUrl), run.repoCredential)) as RepoCredential;
  return { username: value.username, password: value.password };
}

function stepRow(runId: string, position: number, step: StepRecord): RunStepRecord {
  return {
    runId,
    name: step.name,
    position,
    state: step.state,
    reason: step.reason ?? null,
    attempts: step.attempts,
    exitCode: step.exitCode ?? null,
    startedAt: step.startedAt ?? null,
    finishedAt: step.finishedAt ?? null,
    durationMs: step.durationMs ?? null,
  };
}

export async function executeRun(deps: ExecutionDeps, run: RunRecord, signal: AbortSignal): Promise<ExecutionOutcome> {
  const dir = runDir(deps.pipelinesHome, run.id);
  // Cloned once: the pipeline file is read from it and it becomes the steps' workspace.
  const source = await chooseWorkspaceDir(dir, run.id);
  // Step rows are written in event order; the final summary waits for the chain.
  let persisted: Promise<void> = Promise.resolve();
  const positions = new Map<string, number>();
  // Written once per transition (the scheduler reports every change, and the summary again).
  const last = new Map<string, StepPosition>();
  const persist = (step: StepRecord) => {
    const next = { state: step.state, attempts: step.attempts };
    if (!isStepTransition(last.get(step.name) ?? null, next)) return;
    last.set(step.name, next);
    const row = stepRow(run.id, positions.get(step.name) ?? 0, step);
    persisted = persisted.then(() => deps.store.runs.upsertStep(row)).catch(() => undefined);
  };
  // The run's secret values once loaded: a failure after that is masked with them.
  let secrets: Record<string, string> = {};
  // The clone's credential (a repoSecret or the URL's): masked in errors and every step's output.
  let cloneMasks: string[] = [];
  try {
    checkCloneUrl(run.repoUrl, deps.clonePolicy);
    await quotaWorkspace(source, deps.limits.diskBytes);
    const fromSecret = await openRepoSecret(deps.store, deps.secretBox, run);
    if (fromSecret !== null) await auditSecretUse(deps.store, run, fromSecret.name, "clone");
    const credential = fromSecret?.credential ?? openCredential(deps.secretBox, run);
    cloneMasks = fromSecret?.masks ?? (credential === undefined ? [] : credentialMasks(undefined, credential));
    const repository = { url: run.repoUrl, credential };
    const cloned = await cloneAt(
      { ...repository, commit: checkoutRef(run) },
      source,
      signal,
      cloneGitOptions(deps.clonePolicy),
    );
    await deps.store.runs.update(run.id, { commit: cloned.commit });
    const file = run.pipelinePath ?? ".c8s.yaml";
    const yaml =
      run.pipelineYaml ?? (await readCommittedFile(source, cloned.commit, safePipelinePath(file), { signal }));
    const pipeline = loadPipeline(yaml, { file });
    // Recorded once it parsed (strict UTF-8 by then); a re-run reads it again from git.
    if (typeof yaml !== "string") await deps.store.runs.update(run.id, { pipelineYaml: yaml.toString("utf8") });
    const context: PlanContext = {
      event: run.event as PipelineEvent,
      ...(run.branch ? { branch: run.branch } : {}),
    };
    if (!triggerAccepts(pipeline, context))
      return {
        state: "skipped",
        reason: `the pipeline's on: triggers do not accept ${run.event}${run.branch ? ` on ${run.branch}` : ""}`,
      };
    const plan = planPipeline(pipeline, context);
    plan.steps.forEach((s, i) => positions.set(s.name, i));
    const reuse = new Set(run.reuse);
    for (const step of plan.steps) {
      const state = reuse.has(step.name) ? "succeeded" : "queued";
      last.set(step.name, { state, attempts: 0 });
      await deps.store.runs.upsertStep({
        runId: run.id,
        name: step.name,
        position: positions.get(step.name) ?? 0,
        state,
        reason: reuse.has(step.name) ? "reused" : null,
        attempts: 0,
        exitCode: null,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
      });
    }
    secrets = await loadRunSecrets(deps.store, deps.secretBox, run, plan.secrets);
    // Each secret the run was given, by name (never its value).
    for (const name of Object.keys(secrets)) await auditSecretUse(deps.store, run, name);
    const artifacts: RunRecord["artifacts"] = [];
    const result = await runPipelineLocally({
      pipeline,
      plan,
      repository: { ...repository, commit: cloned.commit },
      preparedWorkspace: { dir: source, commit: cloned.commit },
      context,
      sandboxes: inTeam(deps.sandboxes, run.teamId),
      home: deps.pipelinesHome,
      secrets,
      masks: cloneMasks,
      limits: deps.limits,
      ceilings: deps.ceilings,
      signal,
      runId: run.id,
      reuse,
      debug: run.trigger.debug === true,
      artifactStore: deps.storage.artifactStore(run.id),
      onStepLogClosed: async (step) => {
        await deps.storage.archiveLog(run.id, step);
      },
      onEvent: (event) => {
        if (event.type === "step") persist(event.step);
        else if (event.type === "output" && positions.has(event.source))
          deps.logs.push(run.id, event.source, event.stream, event.data);
        else if (event.type === "artifact")
          artifacts.push({
            step: event.step,
            path: event.path,
            key: event.key,
            size: event.size,
            ...(event.refused === undefined ? {} : { refused: event.refused }),
          });
      },
    });
    for (const step of result.steps) persist(step);
    await persisted;
    await deps.store.runs.update(run.id, { artifacts });
    return { state: result.state, reason: result.reason ?? null };
  } catch (error) {
    await persisted;
    const failure = toC8sError(error);
    if (signal.aborted) return { state: "cancelled", reason: "cancelled" };
    // Masked before it is cut: a cut could leave a secret's prefix that no longer matches.
    const masks = [...Object.values(secrets), ...cloneMasks];
    return { state: "failed", reason: maskText(redactUrls(failure.message), masks).slice(0, 2000) };
  } finally {
    // Any spool a step left (the run stopped before it ended) goes to the BlobStore too; then
    // what the step logs keep there, for the team's stored-bytes quota (checked at submit).
    await deps.storage.archiveLogs(run.id).catch(() => undefined);
    await deps.storage
      .logBytes(run.id)
      .then((bytes) => deps.store.runs.recordLogBytes(run.id, bytes))
      .catch(() => undefined);
    await removeWorkspace(source, dir).catch(() => undefined);
  }
}

/** An audit entry for a secret the run was given, by name (never its value); `use: clone` for its repoSecret. */
async function auditSecretUse(store: Store, run: RunRecord, name: string, use?: "clone"): Promise<void> {
  await store.audit.append({
    at: new Date().toISOString(),
    tokenId: run.trigger.tokenId ?? null,
    teamId: run.teamId,
    action: "secret.use",
    resource: "secret",
    resourceId: name,
    status: null,
    details: { run: run.id, trigger: run.trigger.kind, by: run.trigger.by, ...(use === undefined ? {} : { use }) },
  });
}

/** The engine as the runner sees it, with every workload recorded in the run's team. */
function inTeam(s: WorkloadSandboxes, teamId: string): WorkloadSandboxes {
  return {
    capabilities: () => s.capabilities(),
    createWorkload: (request) => s.createWorkload({ ...request, teamId }),
    exec: (id, input, internal) => s.exec(id, input, internal),
    address: (id) => s.address(id),
    tarIn: (id, path, tar) => s.tarIn(id, path, tar),
    tarOut: (id, path) => s.tarOut(id, path),
    listFiles: (id, path) => s.listFiles(id, path),
    readFile: (id, path) => s.readFile(id, path),
    readFileStream: (id, path) => s.readFileStream(id, path),
    statFile: (id, path) => s.statFile(id, path),
    destroy: (id) => s.destroy(id),
    keep: (id, untilMs) => s.keep(id, untilMs),
  };
}
