/**
 * The sandbox engine: lifecycle (state machine in the store), execs with replayable output,
 * file access, the reaper, start-up reconciliation and the lifecycle event stream. It drives
 * one Runtime and one Store and knows nothing about HTTP.
 */
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { C8sError, toC8sError } from "../errors/index.ts";
import type {
  FileEntry,
  Runtime,
  RuntimeCapabilities,
  SandboxHandle,
  SandboxTeam,
  TerminationReason,
  WriteStreamOptions,
} from "../runtimes/types.ts";
import { NO_QUOTAS } from "../store/types.ts";
import type {
  ExecRecord,
  SandboxEvent,
  SandboxRecord,
  SandboxPurpose,
  SandboxState,
  EngineStore,
} from "../store/types.ts";
import { type Clock, type Logger, silentLogger, systemClock } from "./clock.ts";
import { EventLog } from "./event-log.ts";
import { ExecManager } from "./exec-manager.ts";
import { newId } from "./ids.ts";
import { KeyedLock } from "./keyed-lock.ts";
import { Reaper } from "./reaper.ts";
import { reconcile, type ReconcileReport } from "./reconcile.ts";
import type { Caller } from "./ceilings.ts";
import { type EngineDefaults, type EnginePolicy, planSandbox, type SandboxPlan } from "./sandbox-plan.ts";
import { type InternalExecOptions, planWorkload, type WorkloadRequest, type WorkloadSandboxes } from "./workloads.ts";
import { resolveOptions, type SandboxEngineOptions } from "./engine-options.ts";
import { enforceTeamQuota, type TeamQuotaSource } from "./team-quotas.ts";
import { createSandboxSchema, listSandboxesSchema, parseInput } from "./schemas.ts";
import { type ClaimHost, createFromTemplate, type TemplateSource } from "./claim.ts";
import { POOL_LABEL, POOL_TEAM, WarmPools } from "./pool.ts";
import type { TemplateRecord } from "../store/template-repository.ts";
import { ACTIVE_STATES, legalSources } from "./state-machine.ts";
import type {
  CreateSandboxInput,
  ExecInput,
  ExecSession,
  RunToCompletionResult,
  SandboxEngineApi,
  TeamScope,
} from "./types.ts";

const CREATE_SLOT = "\0create-slot";

export class SandboxEngine implements SandboxEngineApi, WorkloadSandboxes {
  readonly eventLog: EventLog;
  private readonly runtime: Runtime;
  private readonly store: EngineStore;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly lock = new KeyedLock();
  private readonly reaper: Reaper;
  private readonly execs: ExecManager;
  private readonly teamQuotas: TeamQuotaSource | undefined;
  private readonly templates: TemplateSource | undefined;
  /** Warm pools (pool.ts): the template routes tell it of changes; metrics read its stats and events. */
  readonly pools: WarmPools;
  private closed = false;
  private readonly options: { owner: string; defaults: EngineDefaults; maxSandboxes: number; policy: EnginePolicy };

  constructor(options: SandboxEngineOptions) {
    this.options = resolveOptions(options);
    this.runtime = options.runtime;
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.teamQuotas = options.teamQuotas;
    this.templates = options.templates;
    this.pools = new WarmPools({
      clock: this.clock,
      logger: this.logger,
      maxPooled: options.maxPooled ?? 16,
      host: {
        createPooled: (template) => this.createPooled(template),
        destroyPooled: async (id, message) => {
          await this.lock.run(id, () => this.end(id, "killed", message));
        },
      },
    });
    // A shared PostgreSQL may have other servers appending events: streams poll it too.
    this.eventLog = new EventLog(
      options.store.events,
      this.clock,
      this.logger,
      options.store.kind === "postgres" ? 1000 : undefined,
    );
    this.execs = new ExecManager({
      runtime: options.runtime,
      store: options.store,
      clock: this.clock,
      logger: this.logger,
      events: this.eventLog,
      execTimeoutMs: this.options.defaults.execTimeoutMs,
      maxExecTimeoutMs: this.options.policy.maxima.execTimeoutMs,
      bufferBytes: options.execBufferBytes ?? 8 * 1024 * 1024,
      runOutputBytes: options.runOutputBytes ?? 4 * 1024 * 1024,
      retentionMs: options.finishedExecRetentionMs ?? 5 * 60 * 1000,
      runningSandbox: (id) => this.mustGetRunning(id),
      touch: (id) => this.touch(id),
      execEnded: (sandboxId) => void this.rearm(sandboxId),
    });
    this.reaper = new Reaper({
      clock: this.clock,
      logger: this.logger,
      load: (id) => this.store.sandboxes.get(id),
      busy: (id) => this.execs.busy(id),
      reap: (id, reason) => this.reap(id, reason),
    });
  }

  /** Reconciles what a previous run left behind. Call once before serving. */
  async start(): Promise<ReconcileReport> {
    const report = await reconcile({
      runtime: this.runtime,
      store: this.store,
      owner: this.options.owner,
      events: this.eventLog,
      clock: this.clock,
      logger: this.logger,
    });
    for (const template of (await this.templates?.listPooled()) ?? []) this.pools.set(template);
    return report;
  }

  /**
   * Adopts the sandboxes of another server whose lease expired (`owner`: its owner label):
   * its active records end `interrupted`, and what this runtime still lists for it is
   * destroyed. Never call it for a live server's owner.
   */
  async adoptOwner(owner: string): Promise<ReconcileReport> {
    return reconcile({
      runtime: this.runtime,
      store: this.store,
      owner,
      events: this.eventLog,
      clock: this.clock,
      logger: this.logger,
      foreign: owner !== this.options.owner,
    });
  }

  /** Stops timers; by default destroys this engine's active sandboxes (reason `interrupted`). */
  async close(options: { destroySandboxes?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pools.close();
    this.reaper.close();
    if (options.destroySandboxes !== false) {
      const active = await this.store.sandboxes.list({ owner: this.options.owner, state: [...ACTIVE_STATES] });
      await Promise.allSettled(
        active.map((r) => this.lock.run(r.id, () => this.end(r.id, "interrupted", "the c8s server shut down"))),
      );
    }
    this.execs.close();
    await this.eventLog.flush();
  }

  /** The owner label this engine stamps on its sandboxes. */
  get owner(): string {
    return this.options.owner;
  }

  /** Same as `close()`. */
  stop(options: { destroySandboxes?: boolean } = {}): Promise<void> {
    return this.close(options);
  }

  /** Every lifecycle event as it is stored (in-process; metrics use it). */
  onEvent(listener: (event: SandboxEvent) => void): () => void {
    return this.eventLog.subscribe(listener);
  }

  /** Resolves when reaper work in flight has finished (tests use it with a manual clock). */
  settle(): Promise<void> {
    return this.reaper.settle();
  }

  capabilities(): Promise<RuntimeCapabilities> {
    return this.runtime.capabilities();
  }

  /**
   * `caller`: who asks (the server passes whether the token is an admin's); unnamed callers
   * get no privileges, e.g. no host network.
   */
  async create(raw: CreateSandboxInput, caller?: Caller): Promise<SandboxRecord> {
    const input = parseInput(createSandboxSchema, raw, "sandbox request");
    if (this.closed)
      throw new C8sError("RUNTIME_UNAVAILABLE", "the engine is shutting down", { hint: "Retry shortly." });
    const { template } = input;
    if (template !== undefined) return createFromTemplate(this.claimHost(), { ...input, template }, caller);
    return this.admit(this.plan(input, caller));
  }

  private plan(input: CreateSandboxInput, caller: Caller | undefined): SandboxPlan {
    const nowMs = this.clock.now();
    return planSandbox(input, {
      id: newId("sbx", nowMs),
      owner: this.options.owner,
      runtime: this.runtime.name,
      nowMs,
      defaults: this.options.defaults,
      policy: this.options.policy,
      ...(caller === undefined ? {} : { caller }),
    });
  }

  private claimHost(): ClaimHost {
    return {
      templates: this.templates,
      pools: this.pools,
      lock: this.lock,
      createSlot: CREATE_SLOT,
      store: this.store,
      now: () => this.clock.now(),
      plan: (input, caller) => this.plan(input, caller),
      checkCapacity: (plan) => this.checkCapacity(plan),
      admit: (plan) => this.admit(plan),
      claimed: (record, template) => {
        this.reaper.schedule(record);
        void this.eventLog.emit(record.id, "sandbox.claimed", {
          template: template.name,
          teamId: record.teamId,
          labels: record.labels,
        });
      },
    };
  }

  /** One started sandbox of `template` for its warm pool: team `POOL_TEAM`, no TTL or idle timeout until claimed. */
  private async createPooled(template: TemplateRecord): Promise<string> {
    if (this.closed) throw new C8sError("RUNTIME_UNAVAILABLE", "the engine is shutting down");
    // Privileged: the template's author passed the policy when it was saved; each claim checks its caller again.
    const plan = this.plan(
      { ...template.spec, labels: { [POOL_LABEL]: template.id } },
      { admin: true, teamId: POOL_TEAM },
    );
    plan.record = { ...plan.record, expiresAt: null, idleTimeoutMs: null };
    const quotas = this.teamQuotas === undefined ? NO_QUOTAS : await this.teamQuotas(template.teamId);
    const { maxSandboxes, maxMemoryBytes, maxCpuMillis } = quotas;
    await this.store.sandboxes.insert(plan.record);
    void this.eventLog.emit(plan.record.id, "sandbox.created", {
      runtime: this.runtime.name,
      image: plan.spec.image ?? null,
      labels: plan.record.labels,
      purpose: plan.record.purpose,
      pool: template.name,
    });
    // The runtime places it as the template's team would be (kubernetes: that team's namespace).
    const spec = {
      ...plan.spec,
      team: { id: template.teamId, quotas: { maxSandboxes, maxMemoryBytes, maxCpuMillis } },
    };
    const running = await this.lock.run(plan.record.id, () => this.startSandbox(plan.record, spec));
    return running.id;
  }

  /** A sandbox c8s needs for itself (a pipeline step or service): same lifecycle, internal options. */
  async createWorkload(request: WorkloadRequest): Promise<SandboxRecord> {
    if (this.closed)
      throw new C8sError("RUNTIME_UNAVAILABLE", "the engine is shutting down", { hint: "Retry shortly." });
    const nowMs = this.clock.now();
    const plan = planWorkload(request, {
      id: newId("sbx", nowMs),
      owner: this.options.owner,
      runtime: this.runtime.name,
      nowMs,
      fileSizeBytes: this.options.defaults.fileSizeBytes,
    });
    return this.admit(plan);
  }

  /** Counts it against `maxSandboxes` and its team's quotas, records it, starts it. */
  private async admit(plan: SandboxPlan): Promise<SandboxRecord> {
    const team = await this.lock.run(CREATE_SLOT, async () => {
      const team = await this.checkCapacity(plan);
      await this.store.sandboxes.insert(plan.record);
      return team;
    });
    const { record } = plan;
    void this.eventLog.emit(record.id, "sandbox.created", {
      runtime: this.runtime.name,
      image: plan.spec.image ?? null,
      labels: record.labels,
      purpose: record.purpose,
      ...(record.runId === null ? {} : { runId: record.runId, step: record.step }),
    });
    // The runtime learns the team and its quotas (kubernetes: a namespace per team).
    const { maxSandboxes, maxMemoryBytes, maxCpuMillis } = team.quotas;
    const spec = { ...plan.spec, team: { id: team.id, quotas: { maxSandboxes, maxMemoryBytes, maxCpuMillis } } };
    return this.lock.run(record.id, () => this.startSandbox(record, spec));
  }

  /** `maxSandboxes` (pooled sandboxes not counted: `maxPooled` caps them) and the team's quotas. Call under the create lock. */
  private async checkCapacity(plan: SandboxPlan): Promise<SandboxTeam> {
    let team: SandboxTeam = { id: plan.record.teamId, quotas: NO_QUOTAS };
    if (this.teamQuotas) {
      const quotas = await this.teamQuotas(plan.record.teamId);
      team = { id: plan.record.teamId, quotas };
      await enforceTeamQuota(() => Promise.resolve(quotas), this.store.sandboxes, plan);
    }
    const active = await this.store.sandboxes.count({
      owner: this.options.owner,
      state: [...ACTIVE_STATES],
      excludeTeamId: POOL_TEAM,
    });
    if (active >= this.options.maxSandboxes)
      throw new C8sError(
        "SANDBOX_LIMIT_REACHED",
        `${active} sandboxes are active; the limit is ${this.options.maxSandboxes}`,
        {
          details: { active, limit: this.options.maxSandboxes },
          hint: "Destroy sandboxes you no longer need, or raise the server's sandbox limit.",
        },
      );
    return team;
  }

  private async startSandbox(record: SandboxRecord, spec: Parameters<Runtime["create"]>[0]): Promise<SandboxRecord> {
    const t0 = this.clock.now();
    let handle: SandboxHandle;
    try {
      handle = await this.runtime.create(spec);
    } catch (error) {
      const failure = toC8sError(error, "SANDBOX_START_FAILED");
      const reported =
        failure.code === "INTERNAL" ? new C8sError("SANDBOX_START_FAILED", failure.message, { cause: error }) : failure;
      await this.store.sandboxes.transition(record.id, legalSources(["creating"], "terminated"), {
        state: "terminated",
        endedAt: this.iso(),
        terminationReason: "error",
        terminationMessage: reported.message,
      });
      void this.eventLog.emit(record.id, "sandbox.terminated", {
        reason: "error",
        message: reported.message,
        lifetimeMs: this.clock.now() - Date.parse(record.createdAt),
      });
      throw reported;
    }
    const startedMs = this.clock.now();
    void this.eventLog.emit(record.id, "sandbox.started", { durationMs: startedMs - t0 });
    const running = await this.store.sandboxes.transition(record.id, legalSources(["creating"], "running"), {
      state: "running",
      handle,
      startedAt: new Date(startedMs).toISOString(),
      lastActivityAt: new Date(startedMs).toISOString(),
    });
    if (running === null) {
      await this.runtime.destroy(handle).catch(() => undefined);
      throw new C8sError("SANDBOX_NOT_RUNNING", `sandbox ${record.id} was ended while it started`, {
        details: { sandboxId: record.id },
      });
    }
    void this.eventLog.emit(record.id, "sandbox.ready", { durationMs: startedMs - Date.parse(record.createdAt) });
    this.watchExit(record.id, handle);
    this.reaper.schedule(running);
    return running;
  }

  private watchExit(id: string, handle: SandboxHandle): void {
    this.runtime
      .waitExit(handle)
      .then((exit) =>
        this.lock.run(id, async () => {
          const record = await this.store.sandboxes.get(id);
          if (record?.state !== "running") return; // we are the ones ending it
          this.logger.info({ sandboxId: id, reason: exit.reason }, "sandbox ended on its own");
          await this.end(id, exit.reason, exit.message ?? null);
        }),
      )
      .catch((error: unknown) => this.logger.error({ err: error, sandboxId: id }, "could not record a sandbox's end"));
  }

  async get(id: string, scope: TeamScope = {}): Promise<SandboxRecord> {
    const record = await this.store.sandboxes.get(id);
    const hidden = scope.teamId !== undefined && record?.teamId !== scope.teamId;
    if (record === null || record.owner !== this.options.owner || hidden)
      throw new C8sError("SANDBOX_NOT_FOUND", `no sandbox ${id}`, {
        details: { sandboxId: id },
        hint: "List sandboxes with `c8s sandbox ls`; ended sandboxes stay listed with their reason.",
      });
    return record;
  }

  async list(
    filter: {
      state?: SandboxState[];
      purpose?: SandboxPurpose[];
      runId?: string;
      teamId?: string;
      labels?: Record<string, string>;
      limit?: number;
    } = {},
  ): Promise<SandboxRecord[]> {
    const parsed = parseInput(listSandboxesSchema, filter, "sandbox filter");
    // Warm-pool sandboxes belong to nobody until claimed: listed only when their team is asked for.
    const hidePooled = parsed.teamId === POOL_TEAM ? {} : { excludeTeamId: POOL_TEAM };
    return this.store.sandboxes.list({ ...parsed, ...hidePooled, owner: this.options.owner });
  }

  async destroy(id: string): Promise<SandboxRecord> {
    await this.get(id);
    return this.lock.run(id, () => this.end(id, "killed", "destroyed on request"));
  }

  private async reap(id: string, reason: "ttl" | "idle"): Promise<void> {
    await this.lock.run(id, async () => {
      const record = await this.store.sandboxes.get(id);
      if (record?.state !== "running") return;
      const message =
        reason === "ttl"
          ? `reached its maximum lifetime (${Math.round(Number(record.spec["ttlMs"] ?? 0) / 1000)} s)`
          : `no exec or file activity for ${Math.round((record.idleTimeoutMs ?? 0) / 1000)} s`;
      await this.end(id, reason, message);
    });
  }

  /** Moves a sandbox to terminated with `reason` (idempotent). Call under the sandbox's lock. */
  private async end(id: string, reason: TerminationReason, message: string | null): Promise<SandboxRecord> {
    let record = await this.get(id);
    if (record.state === "terminated") return record;
    if (record.state !== "stopping") {
      const stopping = await this.store.sandboxes.transition(id, legalSources([record.state], "stopping"), {
        state: "stopping",
        terminationReason: reason,
        terminationMessage: message,
      });
      if (stopping === null) return this.get(id);
      record = stopping;
    }
    this.reaper.cancel(id);
    if (record.handle !== null) await this.runtime.destroy(record.handle);
    await this.execs.settleSandbox(id);
    const endedMs = this.clock.now();
    await this.store.execs.finishAllRunning(
      [id],
      reason === "oom" || reason === "disk" ? reason : "killed",
      new Date(endedMs).toISOString(),
    );
    const terminated = await this.store.sandboxes.transition(id, "stopping", {
      state: "terminated",
      endedAt: new Date(endedMs).toISOString(),
    });
    void this.eventLog.emit(id, "sandbox.terminated", {
      reason: record.terminationReason ?? reason,
      message: record.terminationMessage,
      lifetimeMs: endedMs - Date.parse(record.createdAt),
    });
    return terminated ?? this.get(id);
  }

  exec(sandboxId: string, input: ExecInput, internal?: InternalExecOptions): Promise<ExecSession> {
    return this.execs.start(sandboxId, input, internal);
  }

  /** Where other members of its network group reach the sandbox. */
  address(sandboxId: string): Promise<string> {
    return this.withHandle(sandboxId, (h) => this.runtime.address(h));
  }

  /** Keeps a running sandbox until `untilMs` (debugging a failed step): the TTL moves there, idleness stops counting. */
  async keep(sandboxId: string, untilMs: number): Promise<SandboxRecord> {
    await this.get(sandboxId);
    return this.lock.run(sandboxId, async () => {
      const kept = await this.store.sandboxes.transition(sandboxId, "running", {
        state: "running",
        expiresAt: new Date(untilMs).toISOString(),
        idleTimeoutMs: null,
      });
      if (kept === null) return this.mustGetRunning(sandboxId);
      this.reaper.schedule(kept);
      void this.eventLog.emit(sandboxId, "sandbox.kept", { until: kept.expiresAt });
      return kept;
    });
  }

  run(sandboxId: string, input: ExecInput & { stdinData?: Buffer }): Promise<RunToCompletionResult> {
    return this.execs.run(sandboxId, input);
  }

  async getExec(sandboxId: string, execId: string): Promise<{ record: ExecRecord; live: ExecSession | null }> {
    await this.get(sandboxId);
    return this.execs.get(sandboxId, execId);
  }

  async listExecs(sandboxId: string): Promise<ExecRecord[]> {
    await this.get(sandboxId);
    return this.store.execs.listBySandbox(sandboxId);
  }

  readFile(sandboxId: string, path: string): Promise<Buffer> {
    return this.withHandle(sandboxId, (h) => this.runtime.files.read(h, path));
  }

  /** Writes a file, making missing parent directories first (the same on every runtime). */
  writeFile(sandboxId: string, path: string, data: Uint8Array, options?: { mode?: number }): Promise<void> {
    return this.withHandle(sandboxId, async (h) => {
      try {
        await this.runtime.files.write(h, path, data, options);
      } catch (error) {
        const parent = posix.dirname(path);
        if (!(error instanceof C8sError && error.code === "FILE_NOT_FOUND") || parent === path || parent === ".")
          throw error;
        await this.runtime.files.mkdir(h, parent, { recursive: true });
        await this.runtime.files.write(h, path, data, options);
      }
    });
  }

  readFileStream(sandboxId: string, path: string): Promise<Readable> {
    return this.withHandle(sandboxId, (h) => this.runtime.files.readStream(h, path));
  }

  /** Streams a file in (spooled by the runtime, so a failed upload writes nothing), making missing parents first. */
  writeFileStream(sandboxId: string, path: string, data: Readable, options?: WriteStreamOptions): Promise<void> {
    return this.withHandle(sandboxId, async (h) => {
      const parent = posix.dirname(path);
      if (parent !== "." && parent !== "/" && parent !== path) {
        await this.runtime.files.mkdir(h, parent, { recursive: true });
      }
      await this.runtime.files.writeStream(h, path, data, options);
    });
  }

  listFiles(sandboxId: string, path: string): Promise<FileEntry[]> {
    return this.withHandle(sandboxId, (h) => this.runtime.files.list(h, path));
  }

  statFile(sandboxId: string, path: string): Promise<FileEntry> {
    return this.withHandle(sandboxId, (h) => this.runtime.files.stat(h, path));
  }

  mkdir(sandboxId: string, path: string, options?: { recursive?: boolean }): Promise<void> {
    return this.withHandle(sandboxId, (h) => this.runtime.files.mkdir(h, path, options));
  }

  removeFile(sandboxId: string, path: string, options?: { recursive?: boolean }): Promise<void> {
    return this.withHandle(sandboxId, (h) => this.runtime.files.remove(h, path, options));
  }

  tarOut(sandboxId: string, path: string): Promise<Readable> {
    return this.withHandle(sandboxId, (h) => this.runtime.files.tarOut(h, path));
  }

  tarIn(sandboxId: string, path: string, tar: Readable): Promise<void> {
    return this.withHandle(sandboxId, (h) => this.runtime.files.tarIn(h, path, tar));
  }

  events(options: { afterSeq?: number; sandboxId?: string; signal?: AbortSignal }): AsyncIterable<SandboxEvent> {
    return this.eventLog.stream(options);
  }

  private async withHandle<T>(sandboxId: string, fn: (handle: SandboxHandle) => Promise<T>): Promise<T> {
    const record = await this.mustGetRunning(sandboxId);
    try {
      return await fn(record.handle as SandboxHandle);
    } finally {
      await this.touch(sandboxId);
    }
  }

  private async mustGetRunning(id: string): Promise<SandboxRecord & { handle: SandboxHandle }> {
    const record = await this.get(id);
    if (record.state !== "running" || record.handle === null)
      throw new C8sError("SANDBOX_NOT_RUNNING", `sandbox ${id} is ${record.state}`, {
        details: { sandboxId: id, state: record.state, terminationReason: record.terminationReason },
        hint: record.state === "creating" ? "Wait until it is running." : "Create a new sandbox.",
      });
    return record as SandboxRecord & { handle: SandboxHandle };
  }

  private async touch(id: string): Promise<void> {
    await this.store.sandboxes.touch(id, this.iso());
  }

  private async rearm(id: string): Promise<void> {
    if (this.closed) return;
    const record = await this.store.sandboxes.get(id).catch(() => null);
    if (record?.state === "running") this.reaper.schedule(record);
  }

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
