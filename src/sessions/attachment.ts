/**
 * A session's sandbox: attach (create an engine workload with purpose `session`, restore the
 * workspace into it as one tar), and sync back (tar out the workdir, diff against the
 * baseline, commit the changes in one transaction). The sandbox is disposable: when the
 * attached one is gone (killed from outside, OOM, idle-stopped, a server restart), the next
 * call attaches a fresh one with the files restored and reports it. Callers hold the
 * session's lock around `ensure` and `sync`.
 */
import { C8sError } from "../errors/index.ts";
import type { Logger } from "../engine/clock.ts";
import type { SandboxEngine } from "../engine/sandbox-engine.ts";
import type { ResourceLimits } from "../runtimes/types.ts";
import type { SessionFileLimits, SessionRecord, Store } from "../store/index.ts";
import { type Baseline, baselineOf, diffWorkspace } from "./diff.ts";
import { DEFAULT_IGNORE } from "./paths.ts";
import { packWorkspace, readWorkspaceTar, type SkippedEntry } from "./workspace-tar.ts";

/** What of the engine a session uses (nothing reaches a Runtime directly). */
export type SessionSandboxes = Pick<
  SandboxEngine,
  "createWorkload" | "get" | "run" | "tarIn" | "tarOut" | "writeFile" | "removeFile" | "destroy"
>;

export const SESSION_WORKDIR = "/workspace";
/** The engine's own idle backstop past the session's idle timeout (the session's sweep syncs and stops first). */
const ENGINE_IDLE_MARGIN_MS = 5 * 60 * 1000;

export interface AttachInfo {
  sandboxId: string;
  /** True when this call attached a new sandbox (and restored the workspace into it). */
  attached: boolean;
  /** The sandbox it replaced, and why that one was gone. */
  replaced: { sandboxId: string; reason: string } | null;
}

export interface SyncReport {
  written: number;
  deleted: number;
  skipped: SkippedEntry[];
  /** Set when the sync could not be committed (the store keeps its previous files). */
  error: { code: string; message: string } | null;
}

export interface AttachmentDeps {
  store: Store;
  sandboxes: SessionSandboxes;
  logger: Logger;
  limits: SessionFileLimits & { maxFileBytes: number };
  /** The resource limits of a session's sandbox (the server's defaults, cut by the session's spec). */
  resources: ResourceLimits;
}

export const ignoreOf = (session: SessionRecord): readonly string[] => session.spec.ignore ?? DEFAULT_IGNORE;

export class Attachments {
  /** Per attached sandbox: what c8s believes it holds (restored, written through the API, synced). */
  private readonly baselines = new Map<string, Baseline>();

  constructor(private readonly deps: AttachmentDeps) {}

  baseline(sandboxId: string): Baseline | undefined {
    return this.baselines.get(sandboxId);
  }

  /** The running sandbox of the session, attaching (and restoring into) a new one when there is none. */
  async ensure(session: SessionRecord): Promise<AttachInfo> {
    const { sandboxes, store, logger } = this.deps;
    let replaced: AttachInfo["replaced"] = null;
    if (session.sandboxId !== null) {
      const current = await sandboxes.get(session.sandboxId).catch(() => null);
      if (current?.state === "running" && this.baselines.has(current.id))
        return { sandboxId: current.id, attached: false, replaced: null };
      replaced = {
        sandboxId: session.sandboxId,
        reason: current === null ? "gone" : (current.terminationReason ?? current.state),
      };
      if (current?.state === "running") await sandboxes.destroy(current.id).catch(() => undefined);
      this.baselines.delete(session.sandboxId);
    }
    const spec = session.spec;
    const record = await sandboxes.createWorkload({
      purpose: "session",
      teamId: session.teamId,
      runId: null,
      step: null,
      image: spec.image,
      env: spec.env ?? {},
      workdir: SESSION_WORKDIR,
      network: { mode: "none" },
      limits: { ...this.deps.resources, ...(spec.limits ?? {}) },
      labels: { "c8s.dev/session": session.id, "c8s.dev/kind": "session" },
      ttlMs: session.maxLifetimeMs,
      idleTimeoutMs: session.idleTimeoutMs + ENGINE_IDLE_MARGIN_MS,
    });
    try {
      const files = await store.sessions.allFiles(session.id);
      if (files.length > 0) await sandboxes.tarIn(record.id, SESSION_WORKDIR, packWorkspace(files));
      this.baselines.set(record.id, baselineOf(files));
      if (!(await store.sessions.setSandbox(session.id, record.id, session.sandboxId)))
        throw new C8sError("CONFLICT", `session ${session.id} was attached elsewhere meanwhile`, {
          details: { session: session.id },
          hint: "Retry the call.",
        });
    } catch (error) {
      this.baselines.delete(record.id);
      await sandboxes.destroy(record.id).catch(() => undefined);
      throw error;
    }
    session.sandboxId = record.id;
    logger.info(
      { session: session.id, sandboxId: record.id, replaced },
      replaced === null
        ? "session attached a sandbox"
        : `session's sandbox ${replaced.sandboxId} was ${replaced.reason}: attached a new one with the files restored`,
    );
    return { sandboxId: record.id, attached: true, replaced };
  }

  /** Commits what commands changed in the sandbox's workdir to the store (one transaction). */
  async sync(session: SessionRecord, sandboxId: string): Promise<SyncReport> {
    const { sandboxes, store, limits } = this.deps;
    const baseline = this.baselines.get(sandboxId);
    const report: SyncReport = { written: 0, deleted: 0, skipped: [], error: null };
    if (baseline === undefined) return report;
    try {
      const ignore = ignoreOf(session);
      const archive = await sandboxes.tarOut(sandboxId, SESSION_WORKDIR);
      const { entries, skipped } = await readWorkspaceTar(archive, { ignore, maxFileBytes: limits.maxFileBytes });
      report.skipped = skipped;
      const changes = diffWorkspace(baseline, entries, ignore, new Set(skipped.map((s) => s.path)));
      if (changes.writes.length === 0 && changes.deletes.length === 0) return report;
      const written = await store.sessions.applyChanges(session.id, changes, limits);
      for (const d of changes.deletes) baseline.delete(d.path);
      for (const m of written)
        baseline.set(m.path, { sha256: m.sha256, mode: m.mode, kind: m.kind, version: m.version });
      report.written = written.length;
      report.deleted = changes.deletes.length;
    } catch (error) {
      const code = error instanceof C8sError ? error.code : "INTERNAL";
      const message = error instanceof C8sError ? error.message : "the sync failed";
      this.deps.logger.warn({ session: session.id, sandboxId, code }, `session sync failed: ${message}`);
      report.error = { code, message };
    }
    return report;
  }

  /** Syncs, then stops the sandbox (idle timeout, shutdown); the session and its files stay. */
  async detach(session: SessionRecord, options: { sync: boolean }): Promise<SyncReport | null> {
    const sandboxId = session.sandboxId;
    if (sandboxId === null) return null;
    const report = options.sync ? await this.sync(session, sandboxId) : null;
    this.baselines.delete(sandboxId);
    await this.deps.sandboxes.destroy(sandboxId).catch(() => undefined);
    await this.deps.store.sessions.setSandbox(session.id, null, sandboxId);
    session.sandboxId = null;
    return report;
  }

  /** Records an API write in the attached sandbox's baseline (it was applied there too). */
  noteWritten(
    sandboxId: string,
    path: string,
    meta: { sha256: string; mode: number; kind: "file" | "symlink"; version: number } | null,
  ): void {
    const baseline = this.baselines.get(sandboxId);
    if (baseline === undefined) return;
    if (meta === null) baseline.delete(path);
    else baseline.set(path, meta);
  }
}
