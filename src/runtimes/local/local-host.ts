/** What the local runtime learns about its host once: bwrap, uids, cgroups, the supervisor. */
import { execFile } from "node:child_process";
import { copyFile, chmod, mkdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { C8sError } from "../../errors/index.ts";
import type { RuntimeCapabilities } from "../types.ts";
import type { HostFacts } from "./bwrap-args.ts";
import { type CgroupSupport, detectCgroups, limitKinds } from "./cgroups.ts";
import { type DiskQuotaSupport, probeDiskQuota } from "./disk-quota.ts";
import { gatherHostFacts } from "./host-facts.ts";
import { ensureBase, sandboxBaseDir, traversableByOthers } from "./sandbox-meta.ts";
import { ensureSupervisor } from "./supervisor-build.ts";

const run = promisify(execFile);

export interface LocalRuntimeLogger {
  warn(message: string, data?: Record<string, unknown>): void;
  info?(message: string, data?: Record<string, unknown>): void;
}

export interface LocalRuntimeOptions {
  /** Directory for per-sandbox state (meta, workspace, socket dir), e.g. `<C8S_HOME>/local`. */
  stateDir: string;
  /** Where the compiled supervisor is cached (default `<stateDir>/bin`). */
  supervisorCacheDir?: string;
  /** Run commands without bubblewrap when it is missing. Loudly labelled; off by default. */
  allowUnisolated?: boolean;
  /** bwrap binary (default: `bwrap` from PATH). Set to null to force the unisolated mode. */
  bwrapPath?: string | null;
  /** Use cgroups for limits when the host allows it (default true). */
  cgroups?: boolean;
  /** Give private workspaces a loop-mounted disk quota when the host allows it (default true). */
  diskQuota?: boolean;
  /** The registry of local images, name → root filesystem (`images.ts`); absent: no names are registered. */
  imagesFile?: string;
  /** Let `image` be an absolute host directory too (`c8s run` only: never for a server's callers). */
  allowImagePaths?: boolean;
  logger?: LocalRuntimeLogger;
}

export interface LocalHost {
  bwrapPath: string | null;
  bwrapVersion: string | null;
  perSandboxUids: boolean;
  baseDir: string;
  supervisorPath: string;
  facts: HostFacts;
  cgroups: CgroupSupport;
  cgroupsUsable: boolean;
  /** How private workspaces get their disk quota (null kind: they do not, `reason` says why). */
  diskQuota: DiskQuotaSupport;
  capabilities: RuntimeCapabilities;
  isolationError: () => C8sError;
}

export async function bwrapVersion(path: string): Promise<string | null> {
  try {
    const { stdout } = await run(path, ["--version"]);
    return /(\d+\.\d+(?:\.\d+)?)/.exec(stdout)?.[1] ?? "unknown";
  } catch {
    return null;
  }
}

export async function probeLocalHost(options: LocalRuntimeOptions): Promise<LocalHost> {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const requested = options.bwrapPath === undefined ? "bwrap" : options.bwrapPath;
  const version = requested === null ? null : await bwrapVersion(requested);
  const bwrapPath = version === null ? null : requested;
  const perSandboxUids = isRoot && bwrapPath !== null;
  const baseDir = await sandboxBaseDir(options.stateDir, perSandboxUids);
  let supervisorPath = await ensureSupervisor(options.supervisorCacheDir ?? join(options.stateDir, "bin"));
  if (perSandboxUids && !(await traversableByOthers(supervisorPath))) {
    const binDir = join(dirname(baseDir), "bin");
    const copy = join(binDir, basename(supervisorPath));
    if (!(await stat(copy).catch(() => null))) {
      await mkdir(binDir, { recursive: true, mode: 0o755 });
      await copyFile(supervisorPath, `${copy}.tmp`);
      await chmod(`${copy}.tmp`, 0o755);
      const { rename } = await import("node:fs/promises");
      await rename(`${copy}.tmp`, copy);
    }
    supervisorPath = copy;
  }
  const cgroups = options.cgroups === false ? { v1: {}, v2: null } : await detectCgroups();
  const kinds = limitKinds(cgroups);
  const cgroupsUsable = Object.values(kinds).some((k) => k !== null);
  const notes: string[] = [];
  if (bwrapPath === null) {
    notes.push(
      "UNISOLATED: bubblewrap is not available; commands run directly on the host as the c8s user with no isolation.",
    );
  } else {
    notes.push(`bubblewrap ${version}: user, pid, mount, ipc, uts and network namespaces; no capabilities.`);
    if (perSandboxUids) notes.push("each sandbox runs as its own unprivileged host uid");
  }
  if (kinds.memory === null) notes.push("memory limit not enforced: no usable memory cgroup (run `c8s doctor`)");
  const pidsKind = kinds.pids ?? (perSandboxUids ? "rlimit" : null);
  const facts = await gatherHostFacts(version);
  const diskQuota: DiskQuotaSupport =
    options.diskQuota === false
      ? { kind: null, reason: "disk quotas are turned off for this runtime (diskQuota: false)" }
      : await ensureBase(baseDir).then(() => probeDiskQuota(baseDir));
  const tmpQuota = bwrapPath !== null && facts.bwrapTmpfsSize === true;
  if (diskQuota.kind === null) notes.push(`workspace disk quota not enforced: ${diskQuota.reason ?? "unknown"}`);
  if (!tmpQuota)
    notes.push(
      bwrapPath === null
        ? "/tmp disk quota not enforced: unisolated sandboxes use the host's /tmp"
        : `/tmp disk quota not enforced: bubblewrap ${version} has no --size (0.8+ has)`,
    );
  const diskKind =
    [diskQuota.kind === null ? null : "loop-ext4 workspace", tmpQuota ? "tmpfs size /tmp" : null]
      .filter((k) => k !== null)
      .join(", ") || null;
  const capabilities: RuntimeCapabilities = {
    name: "local",
    isolated: bwrapPath !== null,
    tty: true,
    limits: { memory: kinds.memory, pids: pidsKind, cpu: kinds.cpu, disk: diskKind },
    network: { none: bwrapPath !== null, host: true, group: bwrapPath !== null && isRoot },
    images: bwrapPath !== null,
    registryImages: false,
    persistentWorkspace: true,
    hostWorkspace: true,
    notes,
  };
  if (bwrapPath === null && options.allowUnisolated) {
    options.logger?.warn("c8s local runtime is UNISOLATED: bubblewrap is missing and allowUnisolated is set", {});
  }
  return {
    bwrapPath,
    bwrapVersion: version,
    perSandboxUids,
    baseDir,
    supervisorPath,
    facts,
    cgroups,
    cgroupsUsable,
    diskQuota,
    capabilities,
    isolationError: () =>
      new C8sError("ISOLATION_UNAVAILABLE", "bubblewrap (bwrap) is not available, so sandboxes cannot be isolated.", {
        hint: "Install it: apt-get install bubblewrap (then run `c8s doctor`); or opt into the unisolated mode explicitly.",
        details: { bwrapPath: requested },
      }),
  };
}
