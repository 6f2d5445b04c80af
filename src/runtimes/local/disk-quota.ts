/**
 * Disk quotas on the c8s host: a directory becomes the mount point of its own small ext4
 * filesystem, made in a sparse image file beside it and loop-mounted, so a write past the
 * quota fails with ENOSPC and the host's filesystem holds at most the image's size. Used for a
 * local sandbox's private workspace and for a pipeline run's shared clone (see
 * `pipelines/local-run.ts`). Needs root and loop devices; `probeDiskQuota` says whether this
 * host has them, and `capabilities()` / `c8s doctor` report it.
 *
 * Measured on the development VM (2 vCPU, ext4 root): mkfs of a 1 GiB or 10 GiB image 2–6 ms,
 * mount 3–4 ms, unmount ~3 ms; an empty image takes 656 KiB (1 GiB) to 4.3 MiB (10 GiB) of
 * real disk. The commands run through the spawner helper, not by forking the server.
 */
import { chmod, chown, mkdir, open, readFile, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { C8sError } from "../../errors/index.ts";
import { sharedSpawner } from "./spawner.ts";

/** What `meta.json` records so that destroy and crash recovery can undo the mount. */
export const QuotaMountSchema = z.object({ image: z.string(), mountPoint: z.string() });
export type QuotaMount = z.infer<typeof QuotaMountSchema>;

/** Mount options: no setuid programs or device files from the image; skip background inode-table zeroing. */
export const QUOTA_MOUNT_OPTIONS = "loop,nosuid,nodev,noatime,noinit_itable";

/**
 * Pure: the commands that turn an image file (already `bytes` long, sparse) into a mounted
 * filesystem. No journal (the filesystem dies with its sandbox), no reserved blocks, one inode
 * per 8 KiB (a workspace full of small files runs out of space, not of inodes, first).
 */
export function quotaFsCommands(mount: QuotaMount): { mkfs: string[]; mount: string[] } {
  return {
    mkfs: [
      "mkfs.ext4",
      "-q",
      "-F",
      "-m",
      "0",
      "-i",
      "8192",
      "-O",
      "^has_journal",
      "-E",
      "lazy_itable_init=1,nodiscard",
      mount.image,
    ],
    mount: ["mount", "-t", "ext4", "-o", QUOTA_MOUNT_OPTIONS, mount.image, mount.mountPoint],
  };
}

/** Pure: unmount (lazily when processes still hold it; the loop device is freed with the last user). */
export function unmountCommand(mountPoint: string, lazy: boolean): string[] {
  return lazy ? ["umount", "-l", mountPoint] : ["umount", mountPoint];
}

/** Pure: the mount points listed in /proc/self/mountinfo (field 5, octal escapes decoded). */
export function mountPoints(mountinfo: string): Set<string> {
  const points = new Set<string>();
  for (const line of mountinfo.split("\n")) {
    const field = line.split(" ")[4];
    if (field !== undefined)
      points.add(field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))));
  }
  return points;
}

const TOOL_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Runs a host tool through the spawner helper; resolves with its exit code and stderr tail. */
function runTool(argv: string[], timeoutMs = 20_000): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = sharedSpawner.launch(argv[0] as string, argv.slice(1), {
      stdio: ["ignore", "ignore", "pipe"],
      env: { PATH: TOOL_PATH, LANG: "C" },
      cwd: "/",
    });
    let stderr = "";
    child.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (error: Error) => {
      clearTimeout(timer);
      resolve({ code: null, stderr: error.message });
    });
    child.once("exit", (code: number | null) => {
      clearTimeout(timer);
      resolve({ code, stderr: stderr.trim() });
    });
  });
}

async function mustRun(argv: string[], what: string): Promise<void> {
  const { code, stderr } = await runTool(argv);
  if (code !== 0)
    throw new C8sError("SANDBOX_START_FAILED", `could not ${what} (${argv[0]} exited ${code ?? "abnormally"})`, {
      details: { tool: argv[0], stderr: stderr.split("\n").slice(-3).join("\n") },
      hint: "Run `c8s doctor`: disk quotas need root, loop devices (/dev/loop-control) and mkfs.ext4 (e2fsprogs).",
    });
}

export async function isMounted(path: string): Promise<boolean> {
  const info = await readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  return mountPoints(info).has(path);
}

/**
 * Makes `mount.mountPoint` (an existing, empty directory) a filesystem of `bytes`, owned by
 * `uid` (null: stay root's) with `mode`. Record `mount` (meta.json) before calling: a crash
 * halfway is undone by `removeQuotaFs`.
 */
export async function createQuotaFs(
  mount: QuotaMount,
  bytes: number,
  owner: { uid: number | null; mode: number },
): Promise<void> {
  const file = await open(mount.image, "wx", 0o600);
  try {
    await file.truncate(bytes);
  } finally {
    await file.close();
  }
  const commands = quotaFsCommands(mount);
  await mustRun(commands.mkfs, "make the disk-quota filesystem");
  await mustRun(commands.mount, "mount the disk-quota filesystem");
  // mkfs's lost+found would show in the workspace; nothing here runs fsck, so it is not needed.
  await rmdir(join(mount.mountPoint, "lost+found")).catch(() => undefined);
  if (owner.uid !== null) await chown(mount.mountPoint, owner.uid, owner.uid);
  await chmod(mount.mountPoint, owner.mode);
}

/** Unmounts (lazily if busy) and deletes the image. Idempotent: a missing mount or image is fine. */
export async function removeQuotaFs(mount: QuotaMount): Promise<void> {
  if (await isMounted(mount.mountPoint)) {
    const { code } = await runTool(unmountCommand(mount.mountPoint, false));
    if (code !== 0) await runTool(unmountCommand(mount.mountPoint, true));
  }
  if (await isMounted(mount.mountPoint))
    throw new C8sError("INTERNAL", "a disk-quota filesystem could not be unmounted", {
      details: { image: mount.image.split("/").pop() },
      hint: "Check for processes still using it (fuser -m) and retry; `c8s serve` retries at its next start.",
    });
  await rm(mount.image, { force: true });
}

/** Whether this host can give directories a disk quota, and why not. */
export interface DiskQuotaSupport {
  /** `loop-ext4` when it can; null when it cannot (see `reason`). */
  kind: "loop-ext4" | null;
  reason: string | null;
}

/**
 * Tries it once: a 1 MiB filesystem under `scratchDir`, mounted and unmounted (~15 ms).
 * Not root, no loop device or no mkfs.ext4 → null with the reason.
 */
export async function probeDiskQuota(scratchDir: string): Promise<DiskQuotaSupport> {
  if (typeof process.getuid !== "function" || process.getuid() !== 0)
    return { kind: null, reason: "c8s does not run as root, so it cannot mount a size-limited filesystem" };
  const dir = join(scratchDir, `.disk-probe-${process.pid}-${Date.now()}`);
  const mount = { image: `${dir}.img`, mountPoint: dir };
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await createQuotaFs(mount, 1024 * 1024, { uid: null, mode: 0o700 });
    return { kind: "loop-ext4", reason: null };
  } catch (error) {
    const stderr = (error as C8sError).details?.["stderr"];
    return {
      kind: null,
      reason: `a loop-mounted ext4 filesystem could not be made: ${typeof stderr === "string" && stderr !== "" ? stderr : (error as Error).message}`,
    };
  } finally {
    await removeQuotaFs(mount).catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

let hostSupport: Promise<DiskQuotaSupport> | undefined;

/** `probeDiskQuota` once per process (the answer does not change while c8s runs). */
export function hostDiskQuota(scratchDir: string): Promise<DiskQuotaSupport> {
  return (hostSupport ??= probeDiskQuota(scratchDir));
}

/** The quota mount of a directory that `quotaDirectory` made: its image sits beside it. */
export function directoryQuota(dir: string): QuotaMount {
  return { image: `${dir}.img`, mountPoint: dir };
}

/**
 * Makes `dir` (created, must not exist or be empty) a filesystem of `bytes` where this host
 * allows it; returns false (and leaves `dir` a plain directory) where it does not. For
 * directories c8s itself fills, e.g. a pipeline run's clone shared by its steps.
 */
export async function quotaDirectory(dir: string, bytes: number): Promise<boolean> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const support = await hostDiskQuota(join(dir, ".."));
  if (support.kind === null) return false;
  await createQuotaFs(directoryQuota(dir), bytes, { uid: null, mode: 0o755 });
  return true;
}

/** Undoes `quotaDirectory` (a no-op for a plain directory); the directory itself stays. */
export async function releaseDirectoryQuota(dir: string): Promise<void> {
  await removeQuotaFs(directoryQuota(dir));
}

/** `c8s doctor`'s disk-quota checks: the workspace (loop-mounted ext4) and /tmp (bwrap --size). */
export async function diskQuotaChecks(
  scratchDir: string,
  bwrapTmpfsSize: boolean,
): Promise<{ id: string; title: string; status: "ok" | "warn"; detail: string; fix?: string }[]> {
  const support = await probeDiskQuota(scratchDir);
  return [
    support.kind === null
      ? {
          id: "disk-workspace",
          title: "workspace disk quota",
          status: "warn",
          detail: `not enforced: ${support.reason ?? "unknown"}; a sandbox can fill the host's disk through its workspace`,
          fix: "run c8s as root on a host with loop devices (/dev/loop-control) and e2fsprogs: apt-get install e2fsprogs",
        }
      : {
          id: "disk-workspace",
          title: "workspace disk quota",
          status: "ok",
          detail: "each private workspace and each pipeline run's clone is a loop-mounted ext4 of limits.diskBytes",
        },
    bwrapTmpfsSize
      ? { id: "disk-tmp", title: "/tmp disk quota", status: "ok", detail: "/tmp is a tmpfs of limits.diskBytes" }
      : {
          id: "disk-tmp",
          title: "/tmp disk quota",
          status: "warn",
          detail: "not enforced: bubblewrap is missing or older than 0.8 (no --size); /tmp is bounded only by memory",
          fix: "install bubblewrap 0.8 or later",
        },
  ];
}
