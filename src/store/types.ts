/**
 * The store contract. Repositories speak in c8s domain records; no driver type (PGlite,
 * pg) leaks through. One schema and one set of migrations run on PGlite (embedded
 * default) and PostgreSQL (production); one store test suite runs against both.
 *
 * Later features add repositories here (runs, steps, secrets, sessions, files).
 */
import type { HookRepository, RunRepository, SecretRepository } from "./runs-types.ts";
import type { ExecEndReason, RuntimeName, SandboxHandle, TerminationReason } from "../runtimes/types.ts";
import type { AuditRepository } from "./audit-repository.ts";
import type { SessionRepository } from "./sessions-types.ts";
import type { ReplicaRepository, SettingsRepository } from "./replica-repository.ts";
import type { TemplateRepository } from "./template-repository.ts";

export type SandboxState = "creating" | "running" | "stopping" | "terminated";

/** What a sandbox is for: one lifecycle, several workloads. */
export type SandboxPurpose = "sandbox" | "step" | "service" | "session" | "agent";
export const SANDBOX_PURPOSES: readonly SandboxPurpose[] = ["sandbox", "step", "service", "session", "agent"];

export interface SandboxRecord {
  id: string;
  owner: string;
  /** The team it belongs to (`default` for an installation with one team). */
  teamId: string;
  runtime: RuntimeName;
  state: SandboxState;
  purpose: SandboxPurpose;
  /** The pipeline run (and step or service name) a `step`/`service` sandbox belongs to. */
  runId: string | null;
  step: string | null;
  /** The validated public create request (image, env names, limits, timeouts, labels). */
  spec: Record<string, unknown>;
  labels: Record<string, string>;
  handle: SandboxHandle | null;
  createdAt: string;
  startedAt: string | null;
  lastActivityAt: string;
  /** When the TTL ends it. */
  expiresAt: string | null;
  idleTimeoutMs: number | null;
  endedAt: string | null;
  terminationReason: TerminationReason | null;
  terminationMessage: string | null;
}

export type ExecState = "running" | "finished";

export interface ExecRecord {
  id: string;
  sandboxId: string;
  command: string[];
  tty: boolean;
  state: ExecState;
  startedAt: string;
  endedAt: string | null;
  exitCode: number | null;
  signal: string | null;
  reason: ExecEndReason | null;
  durationMs: number | null;
}

export type SandboxEventType =
  | "sandbox.created"
  | "sandbox.started"
  | "sandbox.ready"
  | "sandbox.kept"
  | "sandbox.claimed"
  | "sandbox.terminated"
  | "exec.started"
  | "exec.finished";

export interface SandboxEvent {
  /** Global, strictly increasing; a client resumes a stream from the last seq it saw. */
  seq: number;
  sandboxId: string;
  type: SandboxEventType;
  at: string;
  data: Record<string, unknown>;
}

/** A token's role: `admin` of the whole installation, or a team's `owner`, `member`, `viewer`. */
export type TokenRole = "admin" | "owner" | "member" | "viewer";
export const TOKEN_ROLES: readonly TokenRole[] = ["admin", "owner", "member", "viewer"];

/** The team of everything that existed before teams, and of the first start's admin token. */
export const DEFAULT_TEAM = "default";

/** A team's own quotas; null: the installation's default (which may be none). */
export interface TeamQuotas {
  /** Active sandboxes of the team at once (every purpose: its users' and its runs' steps). */
  maxSandboxes: number | null;
  /** The memory limits of its active sandboxes, summed. */
  maxMemoryBytes: number | null;
  /** The CPU limits of its active sandboxes, summed (1000 = one core). */
  maxCpuMillis: number | null;
  /** Its pipeline runs executing at once; more wait in the queue. */
  maxRuns: number | null;
  /** What its runs keep on disk: their artifacts and step logs, in bytes (checked when a run is submitted). */
  maxStoredBytes: number | null;
}

export const QUOTA_NAMES = ["maxSandboxes", "maxMemoryBytes", "maxCpuMillis", "maxRuns", "maxStoredBytes"] as const;
export const NO_QUOTAS: TeamQuotas = {
  maxSandboxes: null,
  maxMemoryBytes: null,
  maxCpuMillis: null,
  maxRuns: null,
  maxStoredBytes: null,
};

export interface TeamRecord {
  id: string;
  name: string;
  createdAt: string;
  quotas: TeamQuotas;
}

export interface TokenRecord {
  id: string;
  name: string;
  /** sha256 of the token; the token itself is never stored. */
  hash: string;
  teamId: string;
  role: TokenRole;
  /** Narrower scopes than the role gives (see `server/access.ts`); empty: the role's own. */
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** After this the token is refused (401); null: never. */
  expiresAt: string | null;
}

export interface SandboxFilter {
  state?: SandboxState | SandboxState[];
  owner?: string;
  teamId?: string;
  /** Leaves out this team's records (the engine's warm pools hide theirs this way). */
  excludeTeamId?: string;
  purpose?: SandboxPurpose | SandboxPurpose[];
  runId?: string;
  labels?: Record<string, string>;
  limit?: number;
}

export interface SandboxRepository {
  insert(record: SandboxRecord): Promise<void>;
  get(id: string): Promise<SandboxRecord | null>;
  list(filter?: SandboxFilter): Promise<SandboxRecord[]>;
  /** How many records match (ignores `limit`). */
  count(filter?: SandboxFilter): Promise<number>;
  /** Applies a partial update; returns the new record or null if it does not exist. */
  update(id: string, patch: Partial<Omit<SandboxRecord, "id">>): Promise<SandboxRecord | null>;
  /** Atomic compare-and-set on `state`: null when the current state is not `from`. */
  transition(
    id: string,
    from: SandboxState | SandboxState[],
    patch: Partial<Omit<SandboxRecord, "id">> & { state: SandboxState },
  ): Promise<SandboxRecord | null>;
  touch(id: string, at: string): Promise<void>;
}

export interface ExecRepository {
  insert(record: ExecRecord): Promise<void>;
  get(id: string): Promise<ExecRecord | null>;
  listBySandbox(sandboxId: string, limit?: number): Promise<ExecRecord[]>;
  finish(
    id: string,
    patch: Pick<ExecRecord, "endedAt" | "exitCode" | "signal" | "reason" | "durationMs">,
  ): Promise<void>;
  /** Marks every running exec of these sandboxes finished with the given reason (crash recovery). */
  finishAllRunning(sandboxIds: string[], reason: ExecEndReason, at: string): Promise<number>;
}

export interface EventRepository {
  append(event: Omit<SandboxEvent, "seq">): Promise<SandboxEvent>;
  /** Events with seq > afterSeq, oldest first. */
  list(options: { afterSeq?: number; sandboxId?: string; limit?: number }): Promise<SandboxEvent[]>;
}

export interface TeamRepository {
  /** CONFLICT when the name is taken. Quotas left out are null (the installation's default). */
  insert(record: Omit<TeamRecord, "quotas"> & { quotas?: Partial<TeamQuotas> }): Promise<void>;
  /** Sets the quotas named in `quotas` (null: back to the default); null when there is no such team. */
  updateQuotas(id: string, quotas: Partial<TeamQuotas>): Promise<TeamRecord | null>;
  get(id: string): Promise<TeamRecord | null>;
  findByName(name: string): Promise<TeamRecord | null>;
  list(): Promise<TeamRecord[]>;
}

export interface TokenRepository {
  insert(record: TokenRecord): Promise<void>;
  findByHash(hash: string): Promise<TokenRecord | null>;
  get(id: string): Promise<TokenRecord | null>;
  /** All tokens, or one team's. */
  list(filter?: { teamId?: string }): Promise<TokenRecord[]>;
  revoke(id: string, at: string): Promise<boolean>;
  markUsed(id: string, at: string): Promise<void>;
  count(): Promise<number>;
}

/**
 * What the sandbox engine needs of a store. `c8s run` (no server, nothing to keep) gives the
 * engine an in-process one (`memory-store.ts`); `c8s serve` its PGlite or PostgreSQL `Store`.
 */
export interface EngineStore {
  readonly kind: "pglite" | "postgres" | "memory";
  readonly sandboxes: SandboxRepository;
  readonly execs: ExecRepository;
  readonly events: EventRepository;
}

export interface Store extends EngineStore {
  readonly kind: "pglite" | "postgres";
  readonly sandboxes: SandboxRepository;
  readonly execs: ExecRepository;
  readonly events: EventRepository;
  readonly teams: TeamRepository;
  readonly tokens: TokenRepository;
  readonly runs: RunRepository;
  readonly secrets: SecretRepository;
  readonly audit: AuditRepository;
  readonly templates: TemplateRepository;
  readonly hooks: HookRepository;
  readonly sessions: SessionRepository;
  /** Replica leases (migration 13, `replica-repository.ts`). */
  readonly replicas: ReplicaRepository;
  /** Installation-wide settings (`c8s_settings`), e.g. the secrets key's check value. */
  readonly settings: SettingsRepository;
  /** Runs pending migrations; safe to call on every start. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
