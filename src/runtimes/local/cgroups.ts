/**
 * Per-sandbox cgroups for memory, pids and CPU: cgroup v1 (`/sys/fs/cgroup/<ctrl>/c8s/<id>`)
 * or v2 (`<unified>/c8s/<id>`, when the controllers are available for delegation). Each
 * controller independently picks v1, then v2, else none (rlimits are the fallback).
 */
import { mkdir, readdir, readFile, rmdir, writeFile, access } from "node:fs/promises";
import { constants } from "node:fs";
import { join } from "node:path";
import type { ResourceLimits } from "../types.ts";

export type Controller = "memory" | "pids" | "cpu";
export const CONTROLLERS: Controller[] = ["memory", "pids", "cpu"];

export interface CgroupSupport {
  /** v1 hierarchy mount point per usable controller. */
  v1: Partial<Record<Controller, string>>;
  /** v2 mount and the controllers it can delegate to c8s. */
  v2: { mount: string; controllers: Controller[] } | null;
}

export interface SandboxCgroups {
  /** Every directory created, deepest last. */
  dirs: string[];
  /** cgroup.procs files the launcher joins. */
  procs: string[];
  kind: Record<Controller, "cgroup-v1" | "cgroup-v2" | null>;
  /** Where OOM kills are counted (memory.oom_control or memory.events). */
  oomFile: string | null;
}

async function writable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export async function parseMounts(text: string): Promise<{ v1: Map<string, string>; v2: string | null }> {
  const v1 = new Map<string, string>();
  let v2: string | null = null;
  for (const line of text.split("\n")) {
    const [, mountPoint, fsType, options] = line.split(" ");
    if (!mountPoint || !options) continue;
    if (fsType === "cgroup2" && v2 === null) v2 = mountPoint;
    if (fsType === "cgroup") for (const opt of options.split(",")) if (!v1.has(opt)) v1.set(opt, mountPoint);
  }
  return { v1, v2 };
}

export async function detectCgroups(mountsText?: string): Promise<CgroupSupport> {
  const text = mountsText ?? (await readFile("/proc/self/mounts", "utf8").catch(() => ""));
  const mounts = await parseMounts(text);
  const v1: Partial<Record<Controller, string>> = {};
  for (const c of CONTROLLERS) {
    const mount = mounts.v1.get(c);
    if (mount !== undefined && (await writable(mount))) v1[c] = mount;
  }
  let v2: CgroupSupport["v2"] = null;
  if (mounts.v2 !== null && (await writable(mounts.v2))) {
    const available = (await readFile(join(mounts.v2, "cgroup.controllers"), "utf8").catch(() => "")).split(/\s+/);
    v2 = { mount: mounts.v2, controllers: CONTROLLERS.filter((c) => available.includes(c)) };
  }
  return { v1, v2 };
}

export function limitKinds(support: CgroupSupport): Record<Controller, "cgroup-v1" | "cgroup-v2" | null> {
  const out = { memory: null, pids: null, cpu: null } as Record<Controller, "cgroup-v1" | "cgroup-v2" | null>;
  for (const c of CONTROLLERS)
    out[c] = support.v1[c] ? "cgroup-v1" : support.v2?.controllers.includes(c) ? "cgroup-v2" : null;
  return out;
}

/** Pure: the files to write for each controller and version. */
export function limitWrites(
  kind: "cgroup-v1" | "cgroup-v2",
  controller: Controller,
  limits: ResourceLimits,
): Array<[string, string]> {
  const quota = Math.max(1000, Math.round(limits.cpuMillis * 100));
  if (kind === "cgroup-v1") {
    if (controller === "memory")
      return [
        ["memory.limit_in_bytes", String(limits.memoryBytes)],
        ["memory.memsw.limit_in_bytes", String(limits.memoryBytes)],
      ];
    if (controller === "pids") return [["pids.max", String(limits.pids)]];
    return [
      ["cpu.cfs_period_us", "100000"],
      ["cpu.cfs_quota_us", String(quota)],
    ];
  }
  if (controller === "memory")
    return [
      ["memory.max", String(limits.memoryBytes)],
      ["memory.swap.max", "0"],
    ];
  if (controller === "pids") return [["pids.max", String(limits.pids)]];
  return [["cpu.max", `${quota} 100000`]];
}

export async function createSandboxCgroups(
  support: CgroupSupport,
  id: string,
  limits: ResourceLimits,
): Promise<SandboxCgroups> {
  const kind = limitKinds(support);
  const result: SandboxCgroups = { dirs: [], procs: [], kind, oomFile: null };
  const v2Controllers = CONTROLLERS.filter((c) => kind[c] === "cgroup-v2");
  let v2Dir: string | null = null;
  if (v2Controllers.length > 0 && support.v2) {
    const parent = join(support.v2.mount, "c8s");
    await mkdir(parent, { recursive: true });
    const enable = v2Controllers.map((c) => `+${c}`).join(" ");
    await writeFile(join(support.v2.mount, "cgroup.subtree_control"), enable).catch(() => undefined);
    await writeFile(join(parent, "cgroup.subtree_control"), enable);
    v2Dir = join(parent, id);
    await mkdir(v2Dir);
    result.dirs.push(v2Dir);
    result.procs.push(join(v2Dir, "cgroup.procs"));
  }
  for (const c of CONTROLLERS) {
    if (kind[c] === "cgroup-v1") {
      const dir = join(support.v1[c] as string, "c8s", id);
      await mkdir(dir, { recursive: true });
      result.dirs.push(dir);
      result.procs.push(join(dir, "cgroup.procs"));
      for (const [file, value] of limitWrites("cgroup-v1", c, limits)) {
        // memsw exists only with swap accounting; everything else must apply
        await writeFile(join(dir, file), value).catch((error: unknown) => {
          if (!file.includes("memsw")) throw error;
        });
      }
      if (c === "memory") result.oomFile = join(dir, "memory.oom_control");
    } else if (kind[c] === "cgroup-v2" && v2Dir !== null) {
      for (const [file, value] of limitWrites("cgroup-v2", c, limits)) {
        await writeFile(join(v2Dir, file), value).catch((error: unknown) => {
          if (!file.includes("swap")) throw error;
        });
      }
      if (c === "memory") result.oomFile = join(v2Dir, "memory.events");
    }
  }
  return result;
}

/** OOM kills so far (v1 `oom_kill` in memory.oom_control, v2 `oom_kill` in memory.events). */
export async function readOomKills(oomFile: string | null): Promise<number> {
  if (oomFile === null) return 0;
  const text = await readFile(oomFile, "utf8").catch(() => "");
  const match = /^oom_kill (\d+)$/m.exec(text);
  return match ? Number(match[1]) : 0;
}

export async function cgroupPids(dir: string): Promise<number[]> {
  const text = await readFile(join(dir, "cgroup.procs"), "utf8").catch(() => "");
  return text.split("\n").filter(Boolean).map(Number);
}

/** Kills every process in the cgroups, then removes them (retrying while processes exit). */
export async function destroyCgroups(dirs: string[]): Promise<void> {
  for (const dir of [...dirs].reverse()) {
    for (let attempt = 0; attempt < 200; attempt++) {
      if (dir.includes("unified") || (await readdir(dir).catch((): string[] => [])).includes("cgroup.kill")) {
        await writeFile(join(dir, "cgroup.kill"), "1").catch(() => undefined);
      }
      for (const pid of await cgroupPids(dir)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      try {
        await rmdir(dir);
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") break;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  }
}
