/**
 * Workloads: the sandboxes c8s creates for itself — a pipeline's steps and services today,
 * sessions and agents next. They go through the same engine lifecycle as a user's sandbox
 * (store record, events, metrics, `maxSandboxes`, reaper, start-up reconciliation) and may
 * ask for what the public API does not offer: a host directory as the workspace (a run's
 * clone), a network group, a masker for the output. `WorkloadSandboxes` is the narrow
 * interface the pipeline runner sees; `SandboxEngine` implements it.
 */
import { DEFAULT_TEAM } from "../store/types.ts";
import { C8sError } from "../errors/index.ts";
import type { NetworkSpec, ResourceLimits, RuntimeCapabilities, RuntimeName, SandboxSpec } from "../runtimes/types.ts";
import type { SandboxPurpose, SandboxRecord } from "../store/types.ts";
import type { SecretMasker } from "./masking.ts";
import type { SandboxPlan, StoredSandboxSpec } from "./sandbox-plan.ts";
import type { ExecSession } from "./types.ts";
import type { Readable } from "node:stream";
import type { FileEntry } from "../runtimes/types.ts";

/** Room a step's sandbox gets past its exec timeout (create, workspace hand-off, artifacts). */
export const WORKLOAD_TTL_MARGIN_MS = 10 * 60 * 1000;

export interface WorkloadRequest {
  purpose: Exclude<SandboxPurpose, "sandbox">;
  /** The team it belongs to (a run's team); default `default`. */
  teamId?: string | undefined;
  /** The pipeline run and step (or service) it belongs to; null for workloads outside runs. */
  runId: string | null;
  step: string | null;
  /** Undefined: the runtime's default image (the local runtime always uses the host's binaries). */
  image?: string | undefined;
  env: Record<string, string>;
  workdir: string;
  /** The name other members of its network group reach it by (a service's name). */
  hostname?: string | undefined;
  /** A host directory shared as the workspace (bind-mount); undefined: a fresh one. */
  workspaceSource?: string | undefined;
  network: NetworkSpec;
  limits: ResourceLimits;
  labels: Record<string, string>;
  /** Whole lifetime; the reaper ends the sandbox after it (reason `ttl`). */
  ttlMs: number;
  /** No exec or file activity for this long ends it (a running exec counts as activity). */
  idleTimeoutMs: number;
}

/** Options of an exec that only c8s itself can set (the HTTP API never passes them). */
export interface InternalExecOptions {
  /** Masks every secret value in the output before it is buffered: all readers see masked bytes. */
  masker?: SecretMasker | undefined;
  /** Aborting kills the exec's process tree (a cancelled run). */
  signal?: AbortSignal | undefined;
}

export interface WorkloadExecInput {
  command: string[];
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

/** What the pipeline runner may do with sandboxes; nothing in it reaches a `Runtime` directly. */
export interface WorkloadSandboxes {
  capabilities(): Promise<RuntimeCapabilities>;
  createWorkload(request: WorkloadRequest): Promise<SandboxRecord>;
  exec(sandboxId: string, input: WorkloadExecInput, internal?: InternalExecOptions): Promise<ExecSession>;
  /** The host or IP other sandboxes of its network group reach it on. */
  address(sandboxId: string): Promise<string>;
  tarIn(sandboxId: string, path: string, tar: Readable): Promise<void>;
  tarOut(sandboxId: string, path: string): Promise<Readable>;
  listFiles(sandboxId: string, path: string): Promise<FileEntry[]>;
  readFile(sandboxId: string, path: string): Promise<Buffer>;
  readFileStream(sandboxId: string, path: string): Promise<Readable>;
  statFile(sandboxId: string, path: string): Promise<FileEntry>;
  destroy(sandboxId: string): Promise<SandboxRecord>;
  /** Keeps a sandbox (a failed step's, to debug) until `untilMs`: its TTL moves there and idleness no longer ends it. */
  keep(sandboxId: string, untilMs: number): Promise<SandboxRecord>;
}

/** Pure: the runtime spec and store record of a workload. */
export function planWorkload(
  request: WorkloadRequest,
  context: { id: string; owner: string; runtime: RuntimeName; nowMs: number; fileSizeBytes: number },
): SandboxPlan {
  const { limits } = request;
  for (const [name, value] of Object.entries(limits))
    if (!(Number.isInteger(value) && value > 0))
      throw new C8sError("INVALID_ARGUMENT", `workload limits.${name} must be a positive integer`, {
        details: { limits },
        hint: "Resolve the pipeline's limits against the server defaults before asking for a sandbox.",
      });
  if (!request.workdir.startsWith("/"))
    throw new C8sError("INVALID_ARGUMENT", `workload workdir '${request.workdir}' must be absolute`, {
      details: { workdir: request.workdir },
    });
  const spec: SandboxSpec = {
    id: context.id,
    owner: context.owner,
    image: request.image,
    env: request.env,
    workdir: request.workdir,
    workspaceSource: request.workspaceSource,
    ...(request.hostname === undefined ? {} : { hostname: request.hostname }),
    mounts: [],
    network: request.network,
    limits: { ...limits, fileSizeBytes: limits.fileSizeBytes || context.fileSizeBytes },
    labels: request.labels,
  };
  const stored: StoredSandboxSpec & { networkGroup: string | null } = {
    image: request.image ?? null,
    workdir: request.workdir,
    envNames: Object.keys(request.env).sort(),
    network: request.network.mode === "host" ? "host" : "none",
    networkGroup: request.network.mode === "group" ? request.network.group : null,
    limits: spec.limits,
    ttlMs: request.ttlMs,
    idleTimeoutMs: request.idleTimeoutMs,
  };
  const now = new Date(context.nowMs).toISOString();
  const record: SandboxRecord = {
    id: context.id,
    owner: context.owner,
    teamId: request.teamId ?? DEFAULT_TEAM,
    runtime: context.runtime,
    state: "creating",
    purpose: request.purpose,
    runId: request.runId,
    step: request.step,
    spec: { ...stored },
    labels: request.labels,
    handle: null,
    createdAt: now,
    startedAt: null,
    lastActivityAt: now,
    expiresAt: new Date(context.nowMs + request.ttlMs).toISOString(),
    idleTimeoutMs: request.idleTimeoutMs,
    endedAt: null,
    terminationReason: null,
    terminationMessage: null,
  };
  return { spec, record };
}
