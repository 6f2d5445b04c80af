/** Sessions (issue 12): a team's workspace whose files live in the store (`sessions-repository.ts`). */

export type SessionState = "active" | "deleted";

/** What a session's sandboxes are made from (stored as jsonb; the service validates it). */
export interface SessionSpec {
  image?: string | undefined;
  env?: Record<string, string> | undefined;
  limits?: { memoryBytes?: number; pids?: number; cpuMillis?: number } | undefined;
  /** Paths below these (relative, ending in `/`) are not synced back to the store. */
  ignore?: string[] | undefined;
}

export interface SessionRecord {
  /** `ses_` + time-ordered random (`engine/ids.ts`). */
  id: string;
  teamId: string;
  name: string | null;
  spec: SessionSpec;
  idleTimeoutMs: number;
  maxLifetimeMs: number;
  state: SessionState;
  /** The engine sandbox attached now (purpose `session`), or null. */
  sandboxId: string | null;
  createdBy: string | null;
  createdAt: string;
  lastActivityAt: string;
  endedAt: string | null;
}

export type SessionFileKind = "file" | "symlink";

/** A workspace file without its bytes. `path` is relative to the workspace, normalized, no `..`. */
export interface SessionFileMeta {
  path: string;
  kind: SessionFileKind;
  mode: number;
  size: number;
  sha256: string;
  /** 1 on creation, +1 on every write; the HTTP ETag. */
  version: number;
  /** A symlink's target (never followed by c8s); null for files. */
  linkTarget: string | null;
  mtime: string;
}

export interface SessionFile extends SessionFileMeta {
  content: Buffer;
}

export interface SessionFileWrite {
  path: string;
  kind: SessionFileKind;
  mode: number;
  content: Buffer;
  sha256: string;
  linkTarget: string | null;
  mtime: string;
  /** The version the writer saw (If-Match); 0: the file must not exist yet; undefined: no check. */
  ifVersion?: number | undefined;
}

export interface SessionFileDelete {
  path: string;
  ifVersion?: number | undefined;
}

export interface SessionChanges {
  writes: SessionFileWrite[];
  deletes: SessionFileDelete[];
}

/** Per-session ceilings, checked inside the transaction that would pass them. */
export interface SessionFileLimits {
  maxFiles: number;
  maxBytes: number;
}

export interface SessionUsage {
  files: number;
  bytes: number;
}

export interface SessionRepository {
  insert(record: SessionRecord): Promise<void>;
  /** An active session; with `teamId`, only that team's (another team's is null, like a missing one). */
  get(id: string, teamId?: string): Promise<SessionRecord | null>;
  /** One team's active sessions, or every team's when `teamId` is undefined; newest first. */
  list(teamId: string | undefined): Promise<SessionRecord[]>;
  /** Marks it deleted and removes its files; false when it was not active (or another team's). */
  markDeleted(id: string, at: string, teamId?: string): Promise<boolean>;
  /** Records the attached sandbox; with `expect`, only if the current one is `expect` (compare-and-set). */
  setSandbox(id: string, sandboxId: string | null, expect?: string | null): Promise<boolean>;
  touch(id: string, at: string): Promise<void>;
  usage(id: string): Promise<SessionUsage>;
  getFile(id: string, path: string): Promise<SessionFile | null>;
  /** Metadata of every file, or those below `dir` (relative, "" = all), by path. */
  listFiles(id: string, dir?: string): Promise<SessionFileMeta[]>;
  /** Every file with its bytes (restoring a workspace). */
  allFiles(id: string): Promise<SessionFile[]>;
  /**
   * Writes and deletes in one transaction, serialised per session: each `ifVersion` is checked
   * (FILE_VERSION_CONFLICT), then the limits on the result (SESSION_QUOTA_EXCEEDED); nothing is
   * written when either fails. Returns the written files' new metadata.
   */
  applyChanges(id: string, changes: SessionChanges, limits: SessionFileLimits): Promise<SessionFileMeta[]>;
}
