/**
 * Pure: turns a validated create request plus the server defaults into the runtime's
 * SandboxSpec and the store record. Env values go to the runtime only; the record keeps
 * their names (they may be secrets).
 */
import { DEFAULT_TEAM } from "../store/types.ts";
import type { ResourceLimits, RuntimeName, SandboxSpec } from "../runtimes/types.ts";
import type { SandboxRecord } from "../store/types.ts";
import {
  type Caller,
  checkCeilings,
  checkHostNetwork,
  type HostNetworkPolicy,
  type SandboxCeilings,
  SCHEMA_CEILINGS,
  UNPRIVILEGED_CALLER,
} from "./ceilings.ts";
import type { CreateSandboxInput } from "./types.ts";

export interface EngineDefaults {
  ttlMs: number;
  idleTimeoutMs: number;
  execTimeoutMs: number;
  memoryBytes: number;
  pids: number;
  cpuMillis: number;
  fileSizeBytes: number;
  /** Disk quota of the workspace and of /tmp, each. */
  diskBytes: number;
}

/** What the operator allows: ceilings on every request, and who may have the host's network. */
export interface EnginePolicy {
  maxima: SandboxCeilings;
  hostNetwork: HostNetworkPolicy;
}

/** For engines built without a configuration: the schemas' bounds, host network for admins. */
export const SCHEMA_POLICY: EnginePolicy = { maxima: SCHEMA_CEILINGS, hostNetwork: "admins" };

export const DEFAULT_WORKDIR = "/workspace";

/** What `SandboxRecord.spec` holds: the resolved request, minus env values. */
export interface StoredSandboxSpec {
  image: string | null;
  workdir: string;
  envNames: string[];
  network: "none" | "host";
  limits: ResourceLimits;
  ttlMs: number;
  idleTimeoutMs: number;
}

export interface SandboxPlan {
  spec: SandboxSpec;
  record: SandboxRecord;
}

/**
 * Throws LIMIT_EXCEEDED when resolved limits or lifetimes are over the installation's
 * ceilings, and PERMISSION_DENIED when the caller may not have the host's network.
 */
export function enforcePolicy(
  resolved: { limits: ResourceLimits; ttlMs: number; idleTimeoutMs: number; network: "none" | "host" },
  policy: EnginePolicy,
  caller: Caller,
): void {
  const { limits } = resolved;
  checkCeilings(
    [
      { field: "limits.memoryBytes", ceiling: "memoryBytes", value: limits.memoryBytes },
      { field: "limits.pids", ceiling: "pids", value: limits.pids },
      { field: "limits.cpuMillis", ceiling: "cpuMillis", value: limits.cpuMillis },
      { field: "limits.diskBytes", ceiling: "diskBytes", value: limits.diskBytes },
      { field: "ttlMs", ceiling: "ttlMs", value: resolved.ttlMs },
      { field: "idleTimeoutMs", ceiling: "idleTimeoutMs", value: resolved.idleTimeoutMs },
    ],
    policy.maxima,
    "the sandbox request",
  );
  if (resolved.network === "host") checkHostNetwork(policy.hostNetwork, caller);
}

export function planSandbox(
  input: CreateSandboxInput,
  context: {
    id: string;
    owner: string;
    runtime: RuntimeName;
    nowMs: number;
    defaults: EngineDefaults;
    policy?: EnginePolicy;
    caller?: Caller;
  },
): SandboxPlan {
  const { id, owner, runtime, nowMs, defaults } = context;
  const limits: ResourceLimits = {
    memoryBytes: input.limits?.memoryBytes ?? defaults.memoryBytes,
    pids: input.limits?.pids ?? defaults.pids,
    cpuMillis: input.limits?.cpuMillis ?? defaults.cpuMillis,
    fileSizeBytes: defaults.fileSizeBytes,
    diskBytes: input.limits?.diskBytes ?? defaults.diskBytes,
  };
  const ttlMs = input.ttlMs ?? defaults.ttlMs;
  const idleTimeoutMs = input.idleTimeoutMs ?? defaults.idleTimeoutMs;
  const workdir = input.workdir ?? DEFAULT_WORKDIR;
  const network = input.network ?? "none";
  enforcePolicy(
    { limits, ttlMs, idleTimeoutMs, network },
    context.policy ?? SCHEMA_POLICY,
    context.caller ?? UNPRIVILEGED_CALLER,
  );
  const env = input.env ?? {};
  const labels = input.labels ?? {};
  const spec: SandboxSpec = {
    id,
    owner,
    image: input.image,
    env,
    workdir,
    mounts: [],
    network: { mode: network },
    limits,
    labels,
  };
  const stored: StoredSandboxSpec = {
    image: input.image ?? null,
    workdir,
    envNames: Object.keys(env).sort(),
    network,
    limits,
    ttlMs,
    idleTimeoutMs,
  };
  const now = new Date(nowMs).toISOString();
  const record: SandboxRecord = {
    id,
    owner,
    teamId: context.caller?.teamId ?? DEFAULT_TEAM,
    runtime,
    state: "creating",
    purpose: "sandbox",
    runId: null,
    step: null,
    spec: { ...stored },
    labels,
    handle: null,
    createdAt: now,
    startedAt: null,
    lastActivityAt: now,
    expiresAt: new Date(nowMs + ttlMs).toISOString(),
    idleTimeoutMs,
    endedAt: null,
    terminationReason: null,
    terminationMessage: null,
  };
  return { spec, record };
}

export type ReapVerdict =
  { action: "reap"; reason: "ttl" | "idle" } | { action: "wait"; untilMs: number } | { action: "none" };

/**
 * Pure: what the reaper should do with a sandbox now. A running exec counts as activity, so
 * a long build is not reaped as idle; the TTL applies regardless.
 */
export function reapVerdict(
  record: Pick<SandboxRecord, "state" | "expiresAt" | "lastActivityAt" | "idleTimeoutMs">,
  nowMs: number,
  busy: boolean,
): ReapVerdict {
  if (record.state !== "running") return { action: "none" };
  const ttlAt = record.expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(record.expiresAt);
  if (nowMs >= ttlAt) return { action: "reap", reason: "ttl" };
  const idleAt =
    record.idleTimeoutMs === null || busy
      ? Number.POSITIVE_INFINITY
      : Date.parse(record.lastActivityAt) + record.idleTimeoutMs;
  if (nowMs >= idleAt) return { action: "reap", reason: "idle" };
  const untilMs = Math.min(ttlAt, idleAt);
  return Number.isFinite(untilMs)
    ? { action: "wait", untilMs }
    : busy
      ? { action: "wait", untilMs: nowMs + 60_000 }
      : { action: "none" };
}
