/**
 * The sandbox engine's public surface: what the HTTP server, the CLI's embedded mode
 * and the pipeline runner call. The engine knows nothing about HTTP.
 */
import type { Readable } from "node:stream";
import type { ExecEndReason, FileEntry, RuntimeCapabilities, TtySize, WriteStreamOptions } from "../runtimes/types.ts";
import type { ExecRecord, SandboxEvent, SandboxPurpose, SandboxRecord, SandboxState } from "../store/types.ts";
import type { Caller } from "./ceilings.ts";
import type { WarmPools } from "./pool.ts";

/** The public create request, validated by zod at the edge (see `engine/schemas.ts`). */
export interface CreateSandboxInput {
  /** A template of the caller's team: its fields under these (a warm-pool claim when only labels/lifetimes are given). */
  template?: string;
  image?: string;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  /** Whole-sandbox lifetime; default from config. */
  ttlMs?: number;
  /** Destroy after this long with no exec or file activity; default from config. */
  idleTimeoutMs?: number;
  network?: "none" | "host";
  limits?: { memoryBytes?: number; pids?: number; cpuMillis?: number; diskBytes?: number };
  workdir?: string;
}

export interface ExecInput {
  command: string[];
  env?: Record<string, string>;
  cwd?: string;
  tty?: TtySize;
  timeoutMs?: number;
  /** Whether the caller will stream stdin; when false stdin is closed at once. */
  stdin?: boolean;
}

export type OutputStreamName = "stdout" | "stderr";

/** One chunk of exec output with its position in the exec's output sequence. */
export interface OutputChunk {
  /** 0-based, strictly increasing per exec; a reconnecting client passes the next cursor it wants. */
  seq: number;
  stream: OutputStreamName;
  data: Buffer;
}

export interface ExecOutcome {
  exitCode: number | null;
  signal: string | null;
  reason: ExecEndReason;
  durationMs: number;
}

/** A live exec owned by the engine: output is buffered so clients can attach and replay. */
export interface ExecSession {
  readonly id: string;
  readonly sandboxId: string;
  /**
   * Output from `cursor` on: buffered chunks first, then live ones, ending when the exec ends.
   * Throws EXEC_OUTPUT_EXPIRED-like INVALID_ARGUMENT if `cursor` is older than the buffer keeps.
   */
  output(cursor?: number, signal?: AbortSignal): AsyncIterable<OutputChunk>;
  writeStdin(data: Uint8Array | string): Promise<void>;
  closeStdin(): Promise<void>;
  resize(size: TtySize): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  readonly done: Promise<ExecOutcome>;
}

export interface RunToCompletionResult extends ExecOutcome {
  execId: string;
  stdout: Buffer;
  stderr: Buffer;
  /** True when output beyond the capture limit was dropped. */
  truncated: boolean;
}

/** Restricts a lookup to one team; undefined `teamId`: every team (installation admins). */
export interface TeamScope {
  teamId?: string | undefined;
}

export interface SandboxEngineApi {
  capabilities(): Promise<RuntimeCapabilities>;
  /** `caller`: who asks, for the host-network policy (default: no privileges). */
  create(input: CreateSandboxInput, caller?: Caller): Promise<SandboxRecord>;
  /** `scope.teamId`: a sandbox of another team is SANDBOX_NOT_FOUND, exactly as a missing one. */
  get(id: string, scope?: TeamScope): Promise<SandboxRecord>;
  list(filter?: {
    state?: SandboxState[];
    purpose?: SandboxPurpose[];
    runId?: string;
    teamId?: string;
    labels?: Record<string, string>;
    limit?: number;
  }): Promise<SandboxRecord[]>;
  destroy(id: string): Promise<SandboxRecord>;

  /**
   * Warm pools (pool.ts): `set` when a template is saved (a changed spec replaces its sandboxes),
   * `remove` when deleted; `stats` and `subscribe` (hits, misses, refills) feed metrics.
   */
  readonly pools?: Pick<WarmPools, "set" | "remove" | "stats" | "subscribe" | "settle">;

  exec(sandboxId: string, input: ExecInput): Promise<ExecSession>;
  /** exec + wait + collect output (bounded), for request/response APIs. */
  run(sandboxId: string, input: ExecInput & { stdinData?: Buffer }): Promise<RunToCompletionResult>;
  getExec(sandboxId: string, execId: string): Promise<{ record: ExecRecord; live: ExecSession | null }>;
  listExecs(sandboxId: string): Promise<ExecRecord[]>;

  readFile(sandboxId: string, path: string): Promise<Buffer>;
  writeFile(sandboxId: string, path: string, data: Uint8Array, options?: { mode?: number }): Promise<void>;
  /** The file as a stream (missing/directory/outside reject before it starts). */
  readFileStream(sandboxId: string, path: string): Promise<Readable>;
  /** Writes a file from a stream; nothing is written if the stream fails or passes `maxBytes`. */
  writeFileStream(sandboxId: string, path: string, data: Readable, options?: WriteStreamOptions): Promise<void>;
  listFiles(sandboxId: string, path: string): Promise<FileEntry[]>;
  statFile(sandboxId: string, path: string): Promise<FileEntry>;
  mkdir(sandboxId: string, path: string, options?: { recursive?: boolean }): Promise<void>;
  removeFile(sandboxId: string, path: string, options?: { recursive?: boolean }): Promise<void>;
  tarOut(sandboxId: string, path: string): Promise<Readable>;
  tarIn(sandboxId: string, path: string, tar: Readable): Promise<void>;

  /** Stored events after `afterSeq`, then live ones until `signal` aborts. */
  events(options: { afterSeq?: number; sandboxId?: string; signal?: AbortSignal }): AsyncIterable<SandboxEvent>;
}
