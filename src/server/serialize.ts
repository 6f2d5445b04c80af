/** Store records → the public JSON shapes of docs/api.md. Never exposes handles or env values. */
import { effectiveScopes } from "./access.ts";
import type { ExecRecord, SandboxRecord, TokenRecord } from "../store/types.ts";

export interface PublicSandbox {
  id: string;
  state: SandboxRecord["state"];
  runtime: SandboxRecord["runtime"];
  image: string | null;
  workdir: string;
  labels: Record<string, string>;
  purpose: SandboxRecord["purpose"];
  runId: string | null;
  step: string | null;
  createdAt: string;
  startedAt: string | null;
  lastActivityAt: string;
  expiresAt: string | null;
  endedAt: string | null;
  terminationReason: string | null;
  terminationMessage: string | null;
  limits: { memoryBytes: number | null; pids: number | null; cpuMillis: number | null; diskBytes: number | null };
  network: "none" | "host";
  /** The team it belongs to. */
  team: string;
}

export const DEFAULT_WORKDIR = "/workspace";

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function networkOf(value: unknown): "none" | "host" {
  if (value === "host") return "host";
  if (typeof value === "object" && value !== null && (value as { mode?: unknown }).mode === "host") return "host";
  return "none";
}

export function toPublicSandbox(record: SandboxRecord): PublicSandbox {
  const spec = record.spec;
  const limits = (typeof spec["limits"] === "object" && spec["limits"] !== null ? spec["limits"] : {}) as Record<
    string,
    unknown
  >;
  return {
    id: record.id,
    state: record.state,
    runtime: record.runtime,
    image: typeof spec["image"] === "string" ? spec["image"] : null,
    workdir: typeof spec["workdir"] === "string" ? spec["workdir"] : DEFAULT_WORKDIR,
    labels: record.labels,
    team: record.teamId,
    purpose: record.purpose,
    runId: record.runId,
    step: record.step,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    lastActivityAt: record.lastActivityAt,
    expiresAt: record.expiresAt,
    endedAt: record.endedAt,
    terminationReason: record.terminationReason,
    terminationMessage: record.terminationMessage,
    limits: {
      memoryBytes: num(limits["memoryBytes"]),
      pids: num(limits["pids"]),
      cpuMillis: num(limits["cpuMillis"]),
      diskBytes: num(limits["diskBytes"]),
    },
    network: networkOf(spec["network"]),
  };
}

export function toPublicExec(record: ExecRecord): ExecRecord {
  return {
    id: record.id,
    sandboxId: record.sandboxId,
    command: record.command,
    tty: record.tty,
    state: record.state,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    exitCode: record.exitCode,
    signal: record.signal,
    reason: record.reason,
    durationMs: record.durationMs,
  };
}

/** A token as the API shows it: never its hash; `scopes` are what it may really do. */
export function toPublicToken(record: TokenRecord) {
  return {
    id: record.id,
    name: record.name,
    team: record.teamId,
    role: record.role,
    scopes: effectiveScopes(record.role, record.scopes),
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
    revokedAt: record.revokedAt,
    expiresAt: record.expiresAt,
  };
}
