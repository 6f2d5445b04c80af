/**
 * The SDK's types. What the server returns is derived from `api.gen.ts`, generated from the
 * server's /openapi.json (so it cannot drift: a test regenerates and compares); what the SDK
 * itself shapes (create options, decoded command results, output chunks) is written here.
 */
import type { operations } from "./api.gen.ts";

/** The JSON body of `operation`'s response `status` (from the generated API types). */
export type Json<
  O extends keyof operations,
  S extends keyof operations[O]["responses"],
> = operations[O]["responses"][S] extends {
  content: { "application/json": infer Body };
}
  ? Body
  : never;

/** A sandbox as the server reports it (`GET /v1/sandboxes/:id`). */
export type SandboxInfo = Json<"get_v1_sandboxes_by_id", 200>;
export type SandboxState = SandboxInfo["state"];
/** What a sandbox is for: a user's (`sandbox`) or c8s's own (a pipeline `step` or `service`, …). */
export type SandboxPurpose = SandboxInfo["purpose"];

export interface SandboxCreateOptions {
  /** A template of your team: its fields under these (a warm-pool claim when only labels/lifetimes are given). */
  template?: string;
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

/** An exec's record (`GET /v1/sandboxes/:id/execs/:execId`). */
export type ExecInfo = Json<"get_v1_sandboxes_by_id_execs", 200>["execs"][number];

/** One file or directory (`GET /v1/sandboxes/:id/files/stat`). */
export type FileEntry = Json<"get_v1_sandboxes_by_id_files_stat", 200>;
export type FileType = FileEntry["type"];

/** A lifecycle event (`GET /v1/events`). */
export type SandboxEvent = Json<"get_v1_events", 200>["events"][number];

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
