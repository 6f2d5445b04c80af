/**
 * Sessions: a team's workspace whose files live in the store, with zero or one engine sandbox
 * attached (`attachment.ts`). The store comes first: an API write returns once its transaction
 * committed, then it is applied to the attached sandbox; a command's changes are committed
 * when its exec ends. Every operation on one session is serialised by a per-session lock,
 * except the command itself, which runs outside it (writes may land while it runs).
 */
import { C8sError } from "../errors/index.ts";
import type { Clock, Logger } from "../engine/clock.ts";
import { newId } from "../engine/ids.ts";
import { KeyedLock } from "../engine/keyed-lock.ts";
import type { ExecEndReason, ResourceLimits } from "../runtimes/types.ts";
import type { SessionFile, SessionFileMeta, SessionRecord, SessionSpec, Store } from "../store/index.ts";
import { type AttachInfo, Attachments, type SessionSandboxes, SESSION_WORKDIR, type SyncReport } from "./attachment.ts";
import { DEFAULT_IGNORE, sessionDir, sessionPath } from "./paths.ts";
import { sha256Of } from "./workspace-tar.ts";

export interface SessionSettings {
  maxFiles: number;
  maxBytes: number;
  maxFileBytes: number;
  idleTimeoutMs: number;
  maxLifetimeMs: number;
  maxIdleTimeoutMs: number;
  maxMaxLifetimeMs: number;
}

export interface SessionServiceDeps {
  store: Store;
  sandboxes: SessionSandboxes;
  settings: SessionSettings;
  /** A session sandbox's resources (the server's defaults); a session's spec may lower or raise them within `ceilings`. */
  resources: ResourceLimits;
  ceilings: Pick<ResourceLimits, "memoryBytes" | "pids" | "cpuMillis">;
  clock: Clock;
  logger: Logger;
  /** How often idle sessions are looked for (default 15 s). */
  sweepIntervalMs?: number;
}

export interface CreateSessionInput {
  teamId: string;
  createdBy: string | null;
  name?: string | undefined;
  spec: SessionSpec;
  idleTimeoutMs?: number | undefined;
  maxLifetimeMs?: number | undefined;
}

export interface SessionExecInput {
  command: string[];
  stdin?: Buffer | undefined;
  timeoutMs?: number | undefined;
  env?: Record<string, string> | undefined;
}

export interface SessionExecResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
  signal: string | null;
  reason: ExecEndReason;
  durationMs: number;
  truncated: boolean;
  sandbox: AttachInfo;
  sync: SyncReport;
}

export function sessionNotFound(id: string): C8sError {
  return new C8sError("SESSION_NOT_FOUND", `no session ${id}`, {
    details: { session: id },
    hint: "List your team's sessions with GET /v1/sessions (c8s session ls).",
  });
}

function bounded(name: string, value: number | undefined, fallback: number, max: number): number {
  const v = value ?? fallback;
  if (v > max)
    throw new C8sError("LIMIT_EXCEEDED", `${name} ${v} is above the installation's ceiling of ${max} ms`, {
      details: { field: name, requested: v, max },
      hint: `Ask for at most ${max} ms.`,
    });
  return v;
}

export class SessionService {
  private readonly lock = new KeyedLock();
  private readonly attachments: Attachments;
  private readonly sweepTimer: NodeJS.Timeout;
  /** Execs running per session: an idle sweep never stops a sandbox under a running command. */
  private readonly busy = new Map<string, number>();
  private closed = false;

  constructor(private readonly deps: SessionServiceDeps) {
    this.attachments = new Attachments({
      store: deps.store,
      sandboxes: deps.sandboxes,
      logger: deps.logger,
      limits: deps.settings,
      resources: deps.resources,
    });
    this.sweepTimer = setInterval(() => void this.sweepIdle(), deps.sweepIntervalMs ?? 15_000);
    this.sweepTimer.unref();
  }

  private get store() {
    return this.deps.store.sessions;
  }

  private now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  async create(input: CreateSessionInput): Promise<SessionRecord> {
    const { settings, ceilings } = this.deps;
    for (const [name, value] of Object.entries(input.spec.limits ?? {}) as [keyof typeof ceilings, number][])
      if (value > ceilings[name])
        throw new C8sError("LIMIT_EXCEEDED", `limits.${name} ${value} is above the installation's ceiling`, {
          details: { field: `limits.${name}`, requested: value, max: ceilings[name] },
        });
    const now = this.now();
    const record: SessionRecord = {
      id: newId("ses", this.deps.clock.now()),
      teamId: input.teamId,
      name: input.name ?? null,
      spec: { ...input.spec, ignore: input.spec.ignore ?? [...DEFAULT_IGNORE] },
      idleTimeoutMs: bounded("idleTimeoutMs", input.idleTimeoutMs, settings.idleTimeoutMs, settings.maxIdleTimeoutMs),
      maxLifetimeMs: bounded("maxLifetimeMs", input.maxLifetimeMs, settings.maxLifetimeMs, settings.maxMaxLifetimeMs),
      state: "active",
      sandboxId: null,
      createdBy: input.createdBy,
      createdAt: now,
      lastActivityAt: now,
      endedAt: null,
    };
    await this.store.insert(record);
    return record;
  }

  /** The session (another team's answers like a missing one). */
  async get(id: string, teamId: string | undefined): Promise<SessionRecord> {
    const record = await this.store.get(id, teamId);
    if (record === null) throw sessionNotFound(id);
    return record;
  }

  list(teamId: string | undefined): Promise<SessionRecord[]> {
    return this.store.list(teamId);
  }

  /** Stops its sandbox and deletes it with its files. */
  async remove(id: string, teamId: string | undefined): Promise<void> {
    await this.get(id, teamId);
    await this.lock.run(id, async () => {
      const session = await this.get(id, teamId);
      await this.attachments.detach(session, { sync: false });
      if (!(await this.store.markDeleted(id, this.now(), teamId))) throw sessionNotFound(id);
    });
  }

  async usage(id: string): Promise<{ files: number; bytes: number }> {
    return this.store.usage(id);
  }

  async readFile(session: SessionRecord, rawPath: string): Promise<SessionFile> {
    const path = sessionPath(rawPath);
    const file = await this.store.getFile(session.id, path);
    if (file === null) throw new C8sError("FILE_NOT_FOUND", `the session has no file '${path}'`, { details: { path } });
    return file;
  }

  listFiles(session: SessionRecord, dir: string | undefined): Promise<SessionFileMeta[]> {
    return this.store.listFiles(session.id, sessionDir(dir));
  }

  /** Commits the file to the store (durable on return), then applies it to the attached sandbox, if any. */
  async writeFile(
    session: SessionRecord,
    rawPath: string,
    content: Buffer,
    options: { ifVersion?: number | undefined; mode?: number | undefined },
  ): Promise<SessionFileMeta> {
    const path = sessionPath(rawPath);
    const { settings } = this.deps;
    if (content.length > settings.maxFileBytes)
      throw new C8sError("FILE_TOO_LARGE", `a session file holds at most ${settings.maxFileBytes} bytes`, {
        details: { path, bytes: content.length, max: settings.maxFileBytes },
        hint: "Large files are not stored in sessions in this version; keep them below the limit.",
      });
    return this.lock.run(session.id, async () => {
      const [meta] = await this.store.applyChanges(
        session.id,
        {
          writes: [
            {
              path,
              kind: "file",
              mode: (options.mode ?? 0o644) & 0o7777,
              content,
              sha256: sha256Of(content),
              linkTarget: null,
              mtime: this.now(),
              ifVersion: options.ifVersion,
            },
          ],
          deletes: [],
        },
        settings,
      );
      if (meta === undefined) throw new C8sError("INTERNAL", "the write returned no file");
      await this.store.touch(session.id, this.now());
      const current = await this.store.get(session.id);
      const sandboxId = current?.sandboxId ?? null;
      if (sandboxId !== null && this.attachments.baseline(sandboxId) !== undefined) {
        try {
          await this.deps.sandboxes.writeFile(sandboxId, `${SESSION_WORKDIR}/${path}`, content, { mode: meta.mode });
          this.attachments.noteWritten(sandboxId, path, meta);
        } catch (error) {
          // The store has it; the next attach restores it (a dead sandbox is replaced then).
          this.deps.logger.info(
            { session: session.id, sandboxId, path, err: error },
            "a session write did not reach its sandbox",
          );
        }
      }
      return meta;
    });
  }

  async removeFile(
    session: SessionRecord,
    rawPath: string,
    options: { ifVersion?: number | undefined },
  ): Promise<void> {
    const path = sessionPath(rawPath);
    await this.lock.run(session.id, async () => {
      if ((await this.store.getFile(session.id, path)) === null)
        throw new C8sError("FILE_NOT_FOUND", `the session has no file '${path}'`, { details: { path } });
      await this.store.applyChanges(
        session.id,
        { writes: [], deletes: [{ path, ifVersion: options.ifVersion }] },
        this.deps.settings,
      );
      const sandboxId = (await this.store.get(session.id))?.sandboxId ?? null;
      if (sandboxId !== null && this.attachments.baseline(sandboxId) !== undefined) {
        await this.deps.sandboxes.removeFile(sandboxId, `${SESSION_WORKDIR}/${path}`).catch(() => undefined);
        this.attachments.noteWritten(sandboxId, path, null);
      }
    });
  }

  /** Runs a command in the attached sandbox (attaching a fresh one if needed), then syncs its changes back. */
  async exec(session: SessionRecord, input: SessionExecInput): Promise<SessionExecResult> {
    const attach = () =>
      this.lock.run(session.id, async () => {
        const fresh = await this.get(session.id, undefined);
        return this.attachments.ensure(fresh);
      });
    this.busy.set(session.id, (this.busy.get(session.id) ?? 0) + 1);
    try {
      return await this.execAttached(session, input, attach);
    } finally {
      const left = (this.busy.get(session.id) ?? 1) - 1;
      if (left <= 0) this.busy.delete(session.id);
      else this.busy.set(session.id, left);
    }
  }

  private async execAttached(
    session: SessionRecord,
    input: SessionExecInput,
    attach: () => Promise<AttachInfo>,
  ): Promise<SessionExecResult> {
    await this.store.touch(session.id, this.now());
    let info = await attach();
    const run = (sandboxId: string) =>
      this.deps.sandboxes.run(sandboxId, {
        command: input.command,
        cwd: SESSION_WORKDIR,
        ...(input.env === undefined ? {} : { env: input.env }),
        ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }),
        ...(input.stdin === undefined ? {} : { stdinData: input.stdin }),
      });
    let result;
    try {
      result = await run(info.sandboxId);
    } catch (error) {
      // It died between the attach and the start: attach once more.
      if (!(error instanceof C8sError && error.code === "SANDBOX_NOT_RUNNING")) throw error;
      info = await attach();
      result = await run(info.sandboxId);
    }
    const sync = await this.lock.run(session.id, async () => {
      await this.store.touch(session.id, this.now());
      const fresh = await this.get(session.id, undefined);
      return this.attachments.sync(fresh, info.sandboxId);
    });
    return {
      stdout: result.stdout,
      stderr: result.stderr,
      exitCode: result.exitCode,
      signal: result.signal,
      reason: result.reason,
      durationMs: result.durationMs,
      truncated: result.truncated,
      sandbox: info,
      sync,
    };
  }

  /** Idle sessions: sync, then stop the sandbox (the session and its files stay). */
  async sweepIdle(): Promise<void> {
    if (this.closed) return;
    const nowMs = this.deps.clock.now();
    const sessions = await this.store.list(undefined).catch(() => []);
    for (const session of sessions) {
      if (this.busy.has(session.id)) continue;
      // Only sandboxes this server attached (another server on the same store sweeps its own).
      if (session.sandboxId === null || this.attachments.baseline(session.sandboxId) === undefined) continue;
      if (Date.parse(session.lastActivityAt) + session.idleTimeoutMs > nowMs) continue;
      await this.lock
        .run(session.id, async () => {
          const fresh = await this.store.get(session.id);
          if (fresh === null || fresh.sandboxId === null || this.busy.has(fresh.id)) return;
          if (this.attachments.baseline(fresh.sandboxId) === undefined) return;
          if (Date.parse(fresh.lastActivityAt) + fresh.idleTimeoutMs > this.deps.clock.now()) return;
          const report = await this.attachments.detach(fresh, { sync: true });
          this.deps.logger.info({ session: fresh.id, sync: report }, "session idle: synced and stopped its sandbox");
        })
        .catch((error: unknown) => this.deps.logger.warn({ session: session.id, err: error }, "idle stop failed"));
    }
  }

  /** Shutdown: sync every attached sandbox and stop it; the files stay in the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    const sessions = await this.store.list(undefined).catch(() => []);
    for (const session of sessions)
      if (session.sandboxId !== null && this.attachments.baseline(session.sandboxId) !== undefined)
        await this.lock.run(session.id, () => this.attachments.detach(session, { sync: true })).catch(() => undefined);
  }
}
