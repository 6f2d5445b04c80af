/**
 * The server's pipeline runs: a persistent queue in the store, a dispatcher that starts
 * queued runs by priority then age under a global and a per-pipeline limit, cancellation,
 * re-runs (whole, or from the failed step), and start-up recovery: runs a crash left
 * `running` become `failed` with reason `interrupted`, their sandboxes are destroyed, their
 * clones removed and the step-log spools they left put into the BlobStore; queued runs simply
 * wait in the store for the next start.
 *
 * Several replicas on one PostgreSQL: a run is claimed (`queued → running`, one
 * compare-and-set that records `replicaId`), so two replicas never start the same run;
 * recovery (`start`, `recoverOrphans`) fails only runs whose owner replica's lease is gone,
 * never a live replica's (`store.runs.interruptOrphaned`). An adopted run is failed with
 * reason `interrupted`, not re-queued: its steps may have had effects (see
 * ARCHITECTURE.md, "Replicas").
 *
 * Artifacts and finished step logs are blobs (`run-storage.ts`); reads of a step reused by a
 * re-run go to the run it came from.
 *
 * The repository URL is checked against the clone policy on submit (and by a re-run: a
 * stricter policy refuses an old run's URL), before anything is stored or cloned.
 *
 * A credential in a repository URL is split out on submit: the record keeps the redacted
 * URL (`https://***@host/…`) and the credential sealed with the server's SecretBox (bound to
 * that URL), which a re-run copies and only the clone opens. A run may instead name a team
 * secret to clone with (`repoSecret`, `repo-secret.ts`): checked here, kept by name, re-checked.
 */
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { BlobStore } from "../../blobs/index.ts";
import { C8sError } from "../../errors/index.ts";
import type { ResourceLimits } from "../../runtimes/types.ts";
import type { WorkloadSandboxes } from "../../engine/workloads.ts";
import type { SandboxCeilings } from "../../engine/ceilings.ts";
import { enforceStoredBytes, type TeamQuotaSource } from "../../engine/team-quotas.ts";
import { DEFAULT_TEAM, type RunRecord, type RunStepRecord, type RunTrigger, type Store } from "../../store/index.ts";
import { planPipeline } from "../spec/plan.ts";
import type { PipelineEvent } from "../spec/schema.ts";
import { secretsRefused } from "./run-secrets.ts";
import { repoSecretRecord } from "./repo-secret.ts";
import { loadPipeline } from "../spec/lint.ts";
import { newRunId, removeLeftoverWorkspaces } from "../runner/run-pipeline.ts";
import { splitRepoUrl } from "../runner/repo-url.ts";
import { checkCloneUrl, type ClonePolicy } from "../runner/clone-policy.ts";
import { executeRun, safePipelinePath, sealCredential } from "./run-execution.ts";
import { LiveLogs, type LogSource } from "./live-logs.ts";
import { RunStorage } from "./run-storage.ts";
import { pickRunnable, type QueueLimits } from "./queue-policy.ts";
import { runFrom, TERMINAL_RUN_STATES } from "./run-states.ts";
import type { SecretBox } from "./secret-box.ts";

export { TERMINAL_RUN_STATES };

export interface RunServiceLogger {
  info(data: Record<string, unknown>, message: string): void;
  warn(data: Record<string, unknown>, message: string): void;
}

export interface RunServiceOptions {
  store: Store;
  /** The engine: step and service sandboxes are its workloads, reconciled by its start-up. */
  sandboxes: WorkloadSandboxes;
  /** The c8s home; run directories (clones, step-log spools) live in `<home>/pipelines/runs/<id>/`. */
  home: string;
  /** Where artifacts and finished step logs are kept (keys `runs/<id>/…`). */
  blobs: BlobStore;
  limits: ResourceLimits;
  /** The installation's ceilings on step resources and timeouts. */
  ceilings?: SandboxCeilings | undefined;
  queue: QueueLimits;
  /** Teams' quotas: at `maxRuns` further runs wait queued, at `maxStoredBytes` submits are refused. Absent: none. */
  teamQuotas?: TeamQuotaSource | undefined;
  secretBox: SecretBox;
  /** This server's replica lease id (`src/server/replica-lease.ts`): the owner its claimed runs record. */
  replicaId: string;
  /** Which repository URLs runs may clone (`c8s serve --allow-local-repos` allows every one). */
  clonePolicy: ClonePolicy;
  logger?: RunServiceLogger | undefined;
  /** Bytes of each step's output held in memory for live readers (default 1 MiB). */
  logBufferBytes?: number | undefined;
}

export interface SubmitRunInput {
  repoUrl: string;
  commit?: string | undefined;
  branch?: string | undefined;
  event?: string | undefined;
  pipelinePath?: string | undefined;
  pipelineYaml?: string | undefined;
  priority?: number | undefined;
  cancelPrevious?: boolean | undefined;
  trigger: RunTrigger;
  /** The team the run belongs to (default `default`): it gets that team's secrets only. */
  teamId?: string | undefined;
  /** A secret of that team the clone authenticates with (`repo-secret.ts`). */
  repoSecret?: string | undefined;
}

/** An artifact the retention deleted (`expiredAt`): 410, saying when. */
export function artifactExpired(id: string, step: string, path: string, expiredAt: string): C8sError {
  return new C8sError(
    "ARTIFACT_EXPIRED",
    `artifact '${path}' of step '${step}' has expired: the artifact retention deleted it at ${expiredAt}`,
    {
      details: { id, step, path, expiredAt },
      hint: "Artifacts are kept C8S_ARTIFACT_RETENTION_DAYS days after their run finished (0 keeps them forever). Re-run the pipeline to build it again.",
    },
  );
}

/** A missing run, and (the same error) another team's. */
export function runNotFound(id: string): C8sError {
  return new C8sError("RUN_NOT_FOUND", `no run '${id}'`, { details: { id }, hint: "List runs with GET /v1/runs." });
}

export interface RunDetails {
  run: RunRecord;
  steps: RunStepRecord[];
  queuePosition: number | null;
}

function repoName(url: string): string {
  return (url.replace(/\/+$/, "").split("/").pop() ?? url).replace(/\.git$/, "");
}

export class RunService {
  readonly logs: LiveLogs;
  readonly storage: RunStorage;
  private readonly active = new Map<
    string,
    { abort: AbortController; pipeline: string; teamId: string; done: Promise<void> }
  >();
  private dispatching: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly options: RunServiceOptions) {
    this.logs = new LiveLogs({ bufferBytes: options.logBufferBytes ?? 1024 * 1024, keepFinishedRuns: 32 });
    this.storage = new RunStorage(options.blobs, join(this.pipelinesHome, "runs"));
  }

  private get pipelinesHome(): string {
    return join(this.options.home, "pipelines");
  }

  /** Crash recovery, then dispatch what is queued. */
  async start(): Promise<{ interrupted: string[]; removedClones: string[]; archivedLogs: string[] }> {
    const at = new Date().toISOString();
    const interrupted = await this.options.store.runs.interruptOrphaned("interrupted", at);
    await this.options.store.runs.endOpenSteps(interrupted, "interrupted", at);
    // The engine's start-up reconciliation (which runs first, in app.ts) has ended every step
    // and service sandbox a crash left: none can write into a clone any more. No run executes
    // here yet, so every clone under this server's runs directory is a crash's leftover.
    const keep = new Set(this.active.keys());
    const removedClones = await removeLeftoverWorkspaces(join(this.pipelinesHome, "runs"), keep);
    // Their steps' logs were still spooled: into the BlobStore, and counted for the quota.
    const { logs: archivedLogs, artifacts: importedArtifacts, failed } = await this.storage.recover(keep);
    for (const id of archivedLogs)
      await this.storage
        .logBytes(id)
        .then((bytes) => this.options.store.runs.recordLogBytes(id, bytes))
        .catch(() => undefined);
    if (importedArtifacts.length > 0)
      this.options.logger?.info({ runs: importedArtifacts }, "artifacts kept as files moved into the blob store");
    if (failed.length > 0)
      this.options.logger?.warn(
        { failed },
        "could not move some runs' logs or artifacts into the blob store; retried at the next start",
      );
    if (interrupted.length > 0 || removedClones.length > 0 || archivedLogs.length > 0)
      this.options.logger?.warn(
        { interrupted, removedClones, archivedLogs },
        "runs interrupted by the previous shutdown: sandboxes destroyed, clones removed, step logs archived",
      );
    this.kick();
    return { interrupted, removedClones, archivedLogs };
  }

  /**
   * Periodic recovery (every lease heartbeat): runs whose owner replica's lease is gone end
   * failed/`interrupted` with their open steps; the dead replica's sandboxes are the engine's
   * `adoptOwner`. Then dispatches, so runs queued through another replica start here too.
   */
  async recoverOrphans(): Promise<string[]> {
    if (this.closed) return [];
    const at = new Date().toISOString();
    const interrupted = await this.options.store.runs.interruptOrphaned("interrupted", at);
    await this.options.store.runs.endOpenSteps(interrupted, "interrupted", at);
    if (interrupted.length > 0)
      this.options.logger?.warn({ interrupted }, "runs of a replica whose lease expired: failed as interrupted");
    this.kick();
    return interrupted;
  }

  /** Throws REPO_URL_FORBIDDEN when this server's clone policy refuses `url` (a webhook asks before recording its delivery). */
  checkRepoUrl(url: string): void {
    checkCloneUrl(url, this.options.clonePolicy);
  }

  async submit(
    input: SubmitRunInput,
    extra: Partial<Pick<RunRecord, "rerunOf" | "reuse" | "repoCredential">> = {},
  ): Promise<RunDetails> {
    this.checkRepoUrl(input.repoUrl);
    const inline = input.pipelineYaml;
    const path = input.pipelinePath === undefined ? ".c8s.yaml" : safePipelinePath(input.pipelinePath);
    const { url: repoUrl, credential } = splitRepoUrl(input.repoUrl);
    // Inline YAML is validated now (400 PIPELINE_INVALID); a repository file once cloned.
    const parsed = inline !== undefined ? loadPipeline(inline) : undefined;
    const pipeline = parsed !== undefined ? parsed.name : `${repoName(repoUrl)}:${path}`;
    if (parsed !== undefined && input.trigger.secrets === false) {
      const named = planPipeline(parsed, { event: (input.event ?? "manual") as PipelineEvent }).secrets;
      if (named.length > 0) throw secretsRefused(input.trigger, named);
    }
    await this.checkStoredBytes(input.teamId ?? DEFAULT_TEAM);
    const run: RunRecord = {
      id: newRunId(),
      pipeline,
      teamId: input.teamId ?? DEFAULT_TEAM,
      state: "queued",
      reason: null,
      priority: input.priority ?? 0,
      repoUrl,
      repoCredential:
        extra.repoCredential ??
        (credential === undefined ? null : sealCredential(this.options.secretBox, repoUrl, credential)),
      repoSecret: input.repoSecret ?? null,
      ref: input.commit ?? input.branch ?? "HEAD",
      commit: input.commit !== undefined && /^[0-9a-f]{40}$/.test(input.commit) ? input.commit : null,
      branch: input.branch ?? null,
      event: input.event ?? "manual",
      pipelinePath: inline !== undefined ? null : path,
      pipelineYaml: inline ?? null,
      trigger: input.trigger,
      rerunOf: extra.rerunOf ?? null,
      reuse: extra.reuse ?? [],
      cancelPrevious: input.cancelPrevious ?? false,
      artifacts: [],
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    // Refused before it is queued; checked again before the clone.
    if (run.repoSecret !== null) await repoSecretRecord(this.options.store, run, run.repoSecret);
    await this.options.store.runs.insert(run);
    if (run.cancelPrevious && run.branch !== null) {
      const earlier = await this.options.store.runs.list({
        state: ["queued", "running"],
        repoUrl: run.repoUrl,
        branch: run.branch,
        pipeline: run.pipeline,
        teamId: run.teamId,
        limit: 1000,
      });
      for (const other of earlier) if (other.id !== run.id) await this.cancel(other.id, `superseded by ${run.id}`);
    }
    this.kick();
    return this.details(run.id);
  }

  /** QUOTA_EXCEEDED at the team's `maxStoredBytes` (every submit; a webhook asks before recording its delivery). */
  checkStoredBytes(teamId: string = DEFAULT_TEAM): Promise<void> {
    return enforceStoredBytes(this.options.teamQuotas, this.options.store.runs, teamId);
  }

  async details(id: string): Promise<RunDetails> {
    const run = await this.options.store.runs.get(id);
    if (!run) throw runNotFound(id);
    const [steps, queuePosition] = await Promise.all([
      this.options.store.runs.steps(id),
      run.state === "queued" ? this.options.store.runs.queuePosition(id) : Promise.resolve(null),
    ]);
    return { run, steps, queuePosition };
  }

  async cancel(id: string, reason = "cancelled"): Promise<RunDetails> {
    const { run } = await this.details(id);
    if (run.state === "queued") {
      // Only while queued: a claimed run is cancelled through its executor below.
      const done = await this.options.store.runs.transition(id, runFrom("queued", "cancelled"), {
        state: "cancelled",
        reason,
        finishedAt: new Date().toISOString(),
      });
      if (done) return this.details(id);
    }
    const active = this.active.get(id);
    if (active) {
      active.abort.abort(reason);
      await active.done;
    } else if (run.state === "running")
      // Executing on another server (shared PostgreSQL) or lost: record the cancel.
      await this.options.store.runs.transition(id, runFrom("running", "cancelled"), {
        state: "cancelled",
        reason,
        finishedAt: new Date().toISOString(),
      });
    return this.details(id);
  }

  /** A new run of the same commit and pipeline; `fromFailed` reuses the steps that succeeded. */
  /** `trigger`: who asks for it (token id, whether it may use secrets); the run stays in the original's team. */
  async rerun(
    id: string,
    options: { fromFailed: boolean; by: string; debug?: boolean; trigger?: Pick<RunTrigger, "tokenId" | "secrets"> },
  ): Promise<RunDetails> {
    const { run, steps } = await this.details(id);
    if (options.fromFailed && !TERMINAL_RUN_STATES.includes(run.state))
      throw new C8sError("CONFLICT", `run ${id} is ${run.state}; re-run from the failed step needs a finished run`, {
        details: { id, state: run.state },
        hint: "Wait for it to finish or cancel it first.",
      });
    const reuse = options.fromFailed ? steps.filter((s) => s.state === "succeeded").map((s) => s.name) : [];
    return this.submit(
      {
        repoUrl: run.repoUrl,
        commit: run.commit ?? run.ref,
        branch: run.branch ?? undefined,
        event: run.event,
        // The same pipeline the original ran, even if the branch moved on: inline YAML as
        // given, a repository file read again from git at the pinned commit (never a stored
        // copy, so a record written by an older version cannot be replayed into an error).
        pipelineYaml: run.pipelinePath === null ? (run.pipelineYaml ?? undefined) : undefined,
        pipelinePath: run.pipelinePath ?? undefined,
        priority: run.priority,
        trigger: {
          kind: "rerun",
          by: options.by,
          ...options.trigger,
          ...(options.debug === true ? { debug: true } : {}),
          // Fork code stays fork code: a re-run by a member does not unlock its secrets.
          ...(run.trigger.fork === true ? { fork: true } : {}),
        },
        teamId: run.teamId,
        // The reference, never a value: the re-run's own trigger is checked against it again.
        repoSecret: run.repoSecret ?? undefined,
      },
      { rerunOf: run.id, reuse, repoCredential: run.repoCredential },
    ).then(async (details) => {
      // Keep the per-pipeline key of the original (inline YAML from a repository file).
      if (details.run.pipeline !== run.pipeline)
        await this.options.store.runs.update(details.run.id, { pipeline: run.pipeline });
      return this.details(details.run.id);
    });
  }

  /**
   * A step's log: the run that holds it (a step reused by a re-run reads the run it came
   * from) and its bytes from an offset, from the spool while the step runs, then the blob.
   */
  async stepLog(id: string, step: string): Promise<{ runId: string; source: LogSource }> {
    const { run, steps } = await this.details(id);
    const record = steps.find((s) => s.name === step);
    if (!record && TERMINAL_RUN_STATES.includes(run.state))
      throw new C8sError("STEP_NOT_FOUND", `run ${id} has no step '${step}'`, {
        details: { id, step, steps: steps.map((s) => s.name) },
        hint: `Steps: ${steps.map((s) => s.name).join(", ") || "none"}.`,
      });
    if (record?.reason === "reused" && run.rerunOf !== null) return this.stepLog(run.rerunOf, step);
    return { runId: id, source: (from, to) => this.storage.openLog(id, step, from, to) };
  }

  /**
   * An artifact a step collected, as a stream from the BlobStore; a step reused by a re-run
   * reads the run it came from. ARTIFACT_NOT_FOUND when it was refused or never collected,
   * ARTIFACT_EXPIRED when the retention deleted it.
   */
  async openArtifact(id: string, step: string, path: string): Promise<{ stream: Readable; size: number }> {
    const { run, steps } = await this.details(id);
    const found = run.artifacts.find((a) => a.step === step && a.path === path);
    if (found?.refused !== undefined)
      throw new C8sError(
        "ARTIFACT_NOT_FOUND",
        `artifact '${path}' of step '${step}' was not stored: ${found.refused}`,
        {
          details: { id, step, path, refused: found.refused },
          hint: "Text artifacts are stored masked; a binary file or directory that contains a secret is refused.",
        },
      );
    if (found?.expiredAt !== undefined) throw artifactExpired(id, step, path, found.expiredAt);
    if (found) {
      const stream = await this.storage.openArtifact(id, found.key);
      if (stream === null)
        throw new C8sError("ARTIFACT_NOT_FOUND", `artifact '${path}' of step '${step}' is no longer stored`, {
          details: { id, step, path },
          hint: "Its blob is gone (deleted outside c8s, or by a retention sweep that has not marked it yet). Re-run the pipeline to build it again.",
        });
      return { stream, size: found.size };
    }
    const record = steps.find((s) => s.name === step);
    if (record?.reason === "reused" && run.rerunOf !== null) return this.openArtifact(run.rerunOf, step, path);
    const listed = run.artifacts.filter((a) => a.step === step && a.refused === undefined).map((a) => a.path);
    throw new C8sError("ARTIFACT_NOT_FOUND", `run ${id} has no artifact '${path}' from step '${step}'`, {
      details: { id, step, path, artifacts: listed },
      hint:
        listed.length > 0
          ? `Step '${step}' collected: ${listed.join(", ")}.`
          : `GET /v1/runs/${id} lists its artifacts.`,
    });
  }

  isActive(id: string): boolean {
    return this.active.has(id);
  }

  /** Starts whatever the limits allow; coalesces concurrent calls. */
  kick(): void {
    if (this.closed) return;
    if (this.dispatching) {
      this.again = true;
      return;
    }
    this.dispatching = this.dispatch()
      .catch((error: unknown) => this.options.logger?.warn({ error: String(error) }, "run dispatch failed"))
      .finally(() => {
        this.dispatching = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async dispatch(): Promise<void> {
    const queued = await this.options.store.runs.queued(1000);
    const running = new Map<string, number>();
    const byTeam = new Map<string, number>();
    for (const a of this.active.values()) {
      running.set(a.pipeline, (running.get(a.pipeline) ?? 0) + 1);
      byTeam.set(a.teamId, (byTeam.get(a.teamId) ?? 0) + 1);
    }
    const quotas = new Map<string, number>();
    const source = this.options.teamQuotas;
    if (source !== undefined)
      for (const teamId of new Set(queued.map((r) => r.teamId))) {
        const maxRuns = (await source(teamId)).maxRuns;
        if (maxRuns !== null) quotas.set(teamId, maxRuns);
      }
    for (const id of pickRunnable(queued, running, this.options.queue, { running: byTeam, quotas })) {
      if (this.closed) return;
      const claimed = await this.options.store.runs.claim(id, this.options.replicaId, new Date().toISOString());
      if (claimed) this.launch(claimed);
    }
  }

  private launch(run: RunRecord): void {
    const abort = new AbortController();
    this.logs.begin(run.id);
    const done = (async () => {
      const outcome = await executeRun(
        {
          store: this.options.store,
          sandboxes: this.options.sandboxes,
          pipelinesHome: this.pipelinesHome,
          storage: this.storage,
          limits: this.options.limits,
          ceilings: this.options.ceilings,
          secretBox: this.options.secretBox,
          clonePolicy: this.options.clonePolicy,
          logs: this.logs,
        },
        run,
        abort.signal,
      );
      const aborted = abort.signal.aborted && typeof abort.signal.reason === "string";
      const reason = aborted ? (abort.signal.reason as string) : outcome.reason;
      // A shutdown is not a cancel: the run failed because the server went away.
      const state = aborted && reason === "interrupted" ? "failed" : outcome.state;
      await this.options.store.runs
        .transition(run.id, runFrom("running", state), { state, reason, finishedAt: new Date().toISOString() })
        .catch(() => undefined);
    })()
      .catch((error: unknown) =>
        this.options.logger?.warn({ run: run.id, error: String(error) }, "run failed to finish"),
      )
      .finally(() => {
        this.logs.end(run.id);
        this.active.delete(run.id);
        this.kick();
      });
    this.active.set(run.id, { abort, pipeline: run.pipeline, teamId: run.teamId, done });
  }

  /**
   * Aborts every run executing here (reason `interrupted`) and keeps dispatching: this
   * replica's lease was adopted by another, which already failed those runs.
   */
  async abortActive(): Promise<void> {
    const running = [...this.active.values()];
    for (const a of running) a.abort.abort("interrupted");
    await Promise.all(running.map((a) => a.done));
  }

  /** Stops dispatching; runs executing here end as failed with reason `interrupted`. */
  async close(): Promise<void> {
    this.closed = true;
    await this.dispatching;
    const running = [...this.active.values()];
    for (const a of running) a.abort.abort("interrupted");
    await Promise.all(running.map((a) => a.done));
  }
}
