/**
 * Pure launch-spec builder for a local sandbox: from a SandboxSpec and facts about the host
 * to the argv that starts it (`supervisor launch … -- bwrap … -- supervisor serve …`).
 * No I/O here: `host-facts.ts` gathers the facts, this file only decides.
 */
import { posix } from "node:path";
import { normalizeWorkdir } from "../files/path-policy.ts";
import type { SandboxSpec } from "../types.ts";

/** Where the supervisor binary is bound (read-only) inside every sandbox. */
export const SANDBOX_SUPERVISOR_PATH = "/.c8s/bin/supervisor";
/** The launcher hands the host-created listening socket to the supervisor as this fd. */
export const SUPERVISOR_LISTEN_FD = 3;
/** bwrap reports the host pid of the sandbox's pid 1 on this fd (`--info-fd`). */
export const BWRAP_INFO_FD = 4;
/** Uid/gid the sandbox's processes see themselves as. */
export const SANDBOX_UID = 1000;

export interface HostFacts {
  /** System directories that exist on the host as real directories, e.g. /usr, /etc, /opt. */
  systemDirs: string[];
  /** Top-level symlinks of a merged-/usr host, e.g. { "/bin": "usr/bin", "/lib": "usr/lib" }. */
  rootSymlinks: Record<string, string>;
  /** Secrets under the system dirs that exist and must be masked (files → /dev/null, dirs → tmpfs). */
  maskFiles: string[];
  maskDirs: string[];
  /** bwrap understands --disable-userns (0.8+). */
  bwrapDisableUserns: boolean;
  /** bwrap understands --size before --tmpfs (0.8+): /tmp gets the sandbox's disk quota. */
  bwrapTmpfsSize?: boolean;
}

export interface LaunchLayout {
  /** Host path of the supervisor binary (bound read-only into the sandbox). */
  supervisorPath: string;
  /**
   * Host directory (root-owned, never visible in the sandbox) where the launcher creates the
   * supervisor's socket: a socket path inside the sandbox could be swapped for a symlink to
   * another host socket that the host would then connect to.
   */
  runDir: string;
  /** Host directory bound at spec.workdir. */
  workspaceDir: string;
  /** Host uid/gid to run bwrap as (null: stay as the current user). */
  hostUid: number | null;
  hostGid: number | null;
  /** cgroup.procs files to join before bwrap starts. */
  cgroupProcs: string[];
  /** rlimits applied by the launcher (fallback when cgroups are not usable). */
  rlimits: { nproc?: number; fsize?: number };
  /** For network mode "group": the network namespace file to join (/run/netns/…). */
  netnsPath?: string | undefined;
  /** A workspace the sandbox uid cannot reach by path: the launcher bind-mounts it onto workspaceDir first. */
  stageSource?: string | undefined;
}

export const DEFAULT_SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt"];
export const SECRET_FILES = [
  "/etc/shadow",
  "/etc/shadow-",
  "/etc/gshadow",
  "/etc/gshadow-",
  "/etc/security/opasswd",
  "/etc/sudoers",
];
export const SECRET_DIRS = ["/etc/ssl/private", "/etc/sudoers.d", "/etc/ssh", "/etc/c8s"];

/** bwrap arguments (without the program): namespaces, root, mounts, workspace. */
export function buildBwrapArgs(spec: SandboxSpec, facts: HostFacts, layout: LaunchLayout): string[] {
  const args: string[] = ["--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"];
  if (spec.network.mode === "none") args.push("--unshare-net");
  if (facts.bwrapDisableUserns) args.push("--disable-userns");
  args.push("--uid", String(SANDBOX_UID), "--gid", String(SANDBOX_UID));
  args.push("--hostname", spec.hostname ?? "sandbox");
  args.push("--die-with-parent", "--new-session", "--as-pid-1", "--cap-drop", "ALL", "--clearenv");
  args.push("--info-fd", String(BWRAP_INFO_FD));
  if (spec.image !== undefined) {
    args.push("--ro-bind", spec.image, "/");
  } else {
    for (const dir of facts.systemDirs) args.push("--ro-bind", dir, dir);
    for (const [link, target] of Object.entries(facts.rootSymlinks)) args.push("--symlink", target, link);
    for (const file of facts.maskFiles) args.push("--ro-bind", "/dev/null", file);
    for (const dir of facts.maskDirs) args.push("--tmpfs", dir, "--remount-ro", dir);
  }
  args.push("--proc", "/proc", "--dev", "/dev");
  // A full /tmp is ENOSPC inside, not host memory: its pages count against the memory limit too.
  if (facts.bwrapTmpfsSize === true) args.push("--size", String(spec.limits.diskBytes));
  args.push("--tmpfs", "/tmp");
  const workdir = normalizeWorkdir(spec.workdir);
  if (workdir !== "/tmp") args.push("--bind", layout.workspaceDir, workdir);
  for (const mount of spec.mounts) args.push(mount.readOnly ? "--ro-bind" : "--bind", mount.source, mount.target);
  args.push("--ro-bind", layout.supervisorPath, SANDBOX_SUPERVISOR_PATH);
  // bwrap builds the root on a tmpfs; make it read-only once every mount point exists.
  args.push("--remount-ro", "/", "--chdir", workdir);
  return args;
}

/** The full argv: the launcher (cgroups, rlimits, uid drop, netns) then bwrap then the supervisor. */
export function buildLaunchArgv(
  spec: SandboxSpec,
  facts: HostFacts,
  layout: LaunchLayout,
  bwrapPath = "bwrap",
): string[] {
  const launch: string[] = [layout.supervisorPath, "launch", "--listen", socketPath(layout)];
  for (const procs of layout.cgroupProcs) launch.push("--cgroup-procs", procs);
  if (layout.netnsPath !== undefined) launch.push("--netns", layout.netnsPath);
  if (layout.stageSource !== undefined)
    launch.push("--stage-source", layout.stageSource, "--stage-target", layout.workspaceDir);
  if (layout.rlimits.nproc !== undefined) launch.push("--rlimit-nproc", String(layout.rlimits.nproc));
  if (layout.rlimits.fsize !== undefined) launch.push("--rlimit-fsize", String(layout.rlimits.fsize));
  if (layout.hostGid !== null) launch.push("--gid", String(layout.hostGid));
  if (layout.hostUid !== null) launch.push("--uid", String(layout.hostUid));
  const serve = [SANDBOX_SUPERVISOR_PATH, "serve", "--fd", String(SUPERVISOR_LISTEN_FD)];
  return [...launch, "--", bwrapPath, ...buildBwrapArgs(spec, facts, layout), "--", ...serve];
}

/** The unisolated mode's argv: the launcher (limits only) then the supervisor on the host. */
export function buildUnisolatedArgv(layout: LaunchLayout): string[] {
  const launch: string[] = [layout.supervisorPath, "launch", "--listen", socketPath(layout)];
  for (const procs of layout.cgroupProcs) launch.push("--cgroup-procs", procs);
  if (layout.rlimits.fsize !== undefined) launch.push("--rlimit-fsize", String(layout.rlimits.fsize));
  return [...launch, "--", layout.supervisorPath, "serve", "--fd", String(SUPERVISOR_LISTEN_FD)];
}

/** The host path of a sandbox's supervisor socket. */
export function socketPath(layout: Pick<LaunchLayout, "runDir">): string {
  return posix.join(layout.runDir, "sock");
}

/** Environment of every exec: defaults, then the sandbox env, then the exec env. */
export function buildExecEnv(
  spec: Pick<SandboxSpec, "env" | "workdir">,
  execEnv: Record<string, string> | undefined,
  tty: boolean,
): Record<string, string> {
  return {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: spec.workdir,
    LANG: "C.UTF-8",
    ...(tty ? { TERM: "xterm-256color" } : {}),
    ...spec.env,
    ...(execEnv ?? {}),
  };
}
