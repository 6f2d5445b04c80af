/**
 * The Runtime contract: the one narrow interface every place c8s can run a sandbox
 * implements (local bubblewrap, Docker Engine, Kubernetes). A runtime knows nothing about
 * pipelines, sessions, HTTP or the store; the engine drives it.
 *
 * Every runtime's tests call the shared conformance suite in `./conformance/`.
 */
import type { Readable } from "node:stream";

/** Every runtime c8s has, in one list (config, API schemas and CLI flags take it from here). */
export const RUNTIME_NAMES = ["local", "docker", "kubernetes"] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** Why a sandbox ended. Every sandbox that ends says why. */
export type TerminationReason =
  | "exit" // its init/supervisor exited on its own
  | "signal" // its init/supervisor was killed by a signal nobody in c8s sent
  | "oom" // the memory limit was hit
  | "disk" // killed for going past its disk quota (e.g. evicted by the kubelet for ephemeral storage)
  | "killed" // destroyed on request (API, CLI, SDK, pipeline cancel)
  | "idle" // no exec or file activity for the idle timeout
  | "ttl" // reached its maximum lifetime
  | "error" // failed to start or the runtime lost it
  | "interrupted"; // the server died while it ran; removed at the next start

/** Why one exec ended. */
export type ExecEndReason =
  | "exit" // the command exited (exitCode set)
  | "signal" // the command died of a signal (signal set)
  | "timeout" // the exec timeout fired; the whole process tree was killed
  | "oom" // the sandbox's memory limit killed it
  | "disk" // its sandbox was killed for going past its disk quota (writes past it fail with ENOSPC)
  | "killed"; // killed on request, or its sandbox was destroyed

export interface ResourceLimits {
  /** Memory limit in bytes (cgroup memory.max / docker Memory / k8s limits.memory). */
  memoryBytes: number;
  /** Maximum number of processes/threads in the sandbox. */
  pids: number;
  /** CPU limit in millicores (1000 = one core). */
  cpuMillis: number;
  /** Largest file a sandbox process may write, bytes (RLIMIT_FSIZE where supported). */
  fileSizeBytes: number;
  /**
   * Disk quota of the workspace and of /tmp, each, bytes: a write past it fails with ENOSPC
   * (`capabilities().limits.disk` says how, or null where a runtime cannot enforce it).
   */
  diskBytes: number;
}

export type NetworkSpec =
  | { mode: "none" } // loopback only: the default
  | { mode: "host" } // full network access (explicit opt-in)
  /** Join a network shared by every sandbox with the same group id (pipeline runs + services). */
  | { mode: "group"; group: string };

export interface MountSpec {
  /** Host path (local/docker) or volume name (kubernetes). */
  source: string;
  /** Absolute path inside the sandbox. */
  target: string;
  readOnly: boolean;
}

/** Everything a runtime needs to create a sandbox. Built and validated by the engine. */
export interface SandboxSpec {
  /** c8s id, e.g. `sbx_01h…`; runtimes use it to name containers/jobs/cgroups. */
  id: string;
  /** Owner label: the c8s instance that created it. Orphan clean-up lists by owner. */
  owner: string;
  /** Image (docker/kubernetes) or root filesystem directory (local). Undefined: the runtime default. */
  image?: string | undefined;
  /** Environment for every exec (exec env is merged over it). */
  env: Record<string, string>;
  /** The workspace directory inside the sandbox, writable, e.g. `/workspace`. */
  workdir: string;
  /** Host directory to use as the workspace instead of a fresh private one (pipeline runs share a clone). */
  workspaceSource?: string | undefined;
  /** Extra mounts. */
  mounts: MountSpec[];
  network: NetworkSpec;
  limits: ResourceLimits;
  /** Free-form labels, copied onto the runtime object (container labels, Job labels). */
  labels: Record<string, string>;
  /** Hostname inside the sandbox. */
  hostname?: string | undefined;
  /**
   * The team the sandbox counts against, with its resolved quotas (null: none). Set by the
   * engine; a runtime may use it (kubernetes: a namespace per team) or ignore it.
   */
  team?: SandboxTeam | undefined;
}

export interface SandboxTeam {
  id: string;
  quotas: { maxSandboxes: number | null; maxMemoryBytes: number | null; maxCpuMillis: number | null };
}

/** A runtime's own reference to a created sandbox. JSON-safe: it is persisted by the engine. */
export interface SandboxHandle {
  id: string;
  runtime: RuntimeName;
  /** Runtime-specific data (pid, container id, job name, paths). Must be JSON-serialisable. */
  ref: Record<string, unknown>;
}

export interface TtySize {
  rows: number;
  cols: number;
}

export interface ExecRequest {
  /** argv form. The shell form is `shellCommand("…")` → `["/bin/sh", "-c", "…"]`. */
  command: string[];
  /** Merged over the sandbox env. */
  env?: Record<string, string>;
  /** Working directory inside the sandbox; defaults to the sandbox workdir. */
  cwd?: string;
  /** Allocate a pseudo-terminal: stdout carries the terminal output, stderr stays empty. */
  tty?: TtySize;
  /** Kill the whole process tree after this long; the result reason is `timeout`. */
  timeoutMs?: number;
  /** Aborting kills the whole process tree; the result reason is `killed`. */
  signal?: AbortSignal;
}

export interface ExecResult {
  /** Exit code when reason is `exit`; null when the command died of a signal. */
  exitCode: number | null;
  /** Signal name (e.g. `SIGKILL`) when the command died of one. */
  signal: string | null;
  reason: ExecEndReason;
  durationMs: number;
}

/** A running command. Output streams end before `result` settles. */
export interface ExecProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves once the bytes were handed to the command's stdin. */
  writeStdin(data: Uint8Array | string): Promise<void>;
  closeStdin(): Promise<void>;
  /** Only meaningful for tty execs; a no-op otherwise. */
  resize(size: TtySize): Promise<void>;
  /** Signals the command's whole process group (default SIGKILL → reason `killed`). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Settles when the command ended and its output was fully read. Never rejects for a non-zero exit. */
  readonly result: Promise<ExecResult>;
}

export interface WriteStreamOptions {
  mode?: number;
  /** Largest accepted upload in bytes; larger fails with FILE_TOO_LARGE. */
  maxBytes?: number;
}

export type FileType = "file" | "directory" | "symlink" | "other";

export interface FileEntry {
  /** Absolute path inside the sandbox. */
  path: string;
  name: string;
  type: FileType;
  size: number;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  modifiedAt: string;
  /** For symlinks: the link target as stored. */
  linkTarget?: string;
}

/**
 * File access inside a sandbox. Paths are sandbox paths; relative paths resolve against
 * the workdir. Every implementation enforces the same policy (see `files/path-policy.ts`):
 * no `..` escapes, nothing outside the workdir and /tmp, no symlink that resolves out of
 * them, no tar entry that would land outside the target (tar-slip).
 */
export interface SandboxFiles {
  read(handle: SandboxHandle, path: string): Promise<Buffer>;
  write(handle: SandboxHandle, path: string, data: Uint8Array, options?: { mode?: number }): Promise<void>;
  /**
   * The file's bytes as a stream, read as they are sent (memory stays flat). A missing path, a
   * directory or a path outside the policy rejects before the stream starts; a failure later
   * destroys the stream with the error.
   */
  readStream(handle: SandboxHandle, path: string): Promise<Readable>;
  /**
   * Writes a file from a stream. The stream is spooled to a private temporary file first
   * (`files/spool.ts`): nothing is written when it fails or passes `maxBytes` (default 1 GiB).
   */
  writeStream(handle: SandboxHandle, path: string, data: Readable, options?: WriteStreamOptions): Promise<void>;
  list(handle: SandboxHandle, path: string): Promise<FileEntry[]>;
  stat(handle: SandboxHandle, path: string): Promise<FileEntry>;
  mkdir(handle: SandboxHandle, path: string, options?: { recursive?: boolean }): Promise<void>;
  remove(handle: SandboxHandle, path: string, options?: { recursive?: boolean }): Promise<void>;
  /** A tar stream of the directory's contents (entries relative to it). */
  tarOut(handle: SandboxHandle, path: string): Promise<Readable>;
  /** Extracts a tar stream into the directory (created if missing). Rejects tar-slip. */
  tarIn(handle: SandboxHandle, path: string, tar: Readable): Promise<void>;
}

/** How a sandbox ended, as far as the runtime can tell. */
export interface SandboxExit {
  reason: TerminationReason;
  message?: string;
}

export interface RuntimeCapabilities {
  name: RuntimeName;
  /** True when sandboxes are isolated by namespaces/containers; false for the unisolated mode. */
  isolated: boolean;
  tty: boolean;
  /** Which limits are enforced and how ("cgroup-v1", "cgroup-v2", "rlimit", "engine", "kubernetes"). */
  limits: { memory: string | null; pids: string | null; cpu: string | null; disk: string | null };
  network: { none: boolean; host: boolean; group: boolean };
  /** Honours `image` (docker/kubernetes) or a registered root filesystem name (local). */
  images: boolean;
  /**
   * `image` is a registry reference (`redis:7`) as pipeline files write it. False for the
   * local runtime, whose images are registered root filesystems: pipeline steps there run on
   * the host's binaries and their `image` is ignored.
   */
  registryImages: boolean;
  persistentWorkspace: boolean;
  /**
   * Honours `spec.workspaceSource` (a directory of the c8s host used as the workspace).
   * False where sandboxes run elsewhere (kubernetes): callers copy files in instead.
   */
  hostWorkspace: boolean;
  notes: string[];
}

/** Something owned by this c8s instance that the runtime found, for orphan clean-up. */
export interface OwnedSandbox {
  id: string;
  handle: SandboxHandle;
}

export interface Runtime {
  readonly name: RuntimeName;
  capabilities(): Promise<RuntimeCapabilities>;
  /** Creates and starts a sandbox; resolves when an exec would succeed. */
  create(spec: SandboxSpec): Promise<SandboxHandle>;
  exec(handle: SandboxHandle, request: ExecRequest): Promise<ExecProcess>;
  readonly files: SandboxFiles;
  /**
   * Resolves when the sandbox ends by itself (oom, supervisor exit, runtime lost it).
   * Never resolves for sandboxes destroyed through `destroy`... it resolves then too, with `killed`.
   */
  waitExit(handle: SandboxHandle): Promise<SandboxExit>;
  /** Kills every process and removes every resource. Idempotent: a second call is a no-op. */
  destroy(handle: SandboxHandle): Promise<void>;
  /**
   * Where other sandboxes of its network group reach this one: `127.0.0.1` where a group shares
   * one network namespace (local, docker), the pod IP on Kubernetes.
   */
  address(handle: SandboxHandle): Promise<string>;
  /** Every sandbox on this runtime whose owner label is `owner`. */
  listOwned(owner: string): Promise<OwnedSandbox[]>;
  /** Frees runtime-wide resources (connections, watchers). Does not destroy sandboxes. */
  close(): Promise<void>;
}

/** The shell form of a command. */
export function shellCommand(script: string): string[] {
  return ["/bin/sh", "-c", script];
}
