/** Shapes the c8s HTTP API returns (see docs/api.md). Kept here so the SDK needs no server code. */

export type SandboxState = "creating" | "running" | "stopping" | "terminated";

/** What a sandbox is for: a user's (`sandbox`) or c8s's own (a pipeline `step` or `service`, …). */
export type SandboxPurpose = "sandbox" | "step" | "service" | "session" | "agent";

export interface SandboxInfo {
  id: string;
  /** The team it belongs to (its token's). */
  team: string;
  state: SandboxState;
  runtime: string;
  image: string | null;
  workdir: string;
  labels: Record<string, string>;
  purpose: SandboxPurpose;
  /** The pipeline run and step (or service) of a `step`/`service` sandbox. */
  runId: string | null;
  step: string | null;
  createdAt: string;
  startedAt: string | null;
  lastActivityAt: string;
  expiresAt: string | null;
  endedAt: string | null;
  terminationReason: string | null;
  terminationMessage: string | null;
  limits: { memoryBytes?: number; pids?: number; cpuMillis?: number; diskBytes?: number };
  network: "none" | "host";
}

export interface SandboxCreateOptions {
  image?: string;
  envs?: Record<string, string>;
  labels?: Record<string, string>;
  /** Whole-sandbox lifetime. */
  ttlMs?: number;
  idleTimeoutMs?: number;
  network?: "none" | "host";
  limits?: { memoryBytes?: number; pids?: number; cpuMillis?: number; diskBytes?: number };
  workdir?: string;
}

export interface ExecInfo {
  id: string;
  sandboxId: string;
  command: string[];
  tty: boolean;
  state: "running" | "finished";
  startedAt: string;
  endedAt: string | null;
  exitCode: number | null;
  signal: string | null;
  reason: string | null;
  durationMs: number | null;
}

export type FileType = "file" | "directory" | "symlink" | "other";

export interface FileEntry {
  path: string;
  name: string;
  type: FileType;
  size: number;
  mode: number;
  modifiedAt: string;
  linkTarget?: string;
}

export interface SandboxEvent {
  seq: number;
  sandboxId: string;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export interface CommandResult {
  execId: string;
  /** null when the command was ended by a signal. */
  exitCode: number | null;
  signal: string | null;
  /** exit, signal, timeout, oom, killed. */
  reason: string;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** True when the server dropped output beyond its capture limit (request/response mode only). */
  truncated: boolean;
}

export type OutputStream = "stdout" | "stderr";

export interface OutputChunk {
  seq: number;
  stream: OutputStream;
  data: Uint8Array;
}

/** The server's `exit` frame / finished exec. */
export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
  reason: string;
  durationMs: number;
}
