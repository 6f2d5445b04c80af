/** Host-side process helpers for clean-up: by pid (checking it is ours) and by per-sandbox uid. */
import { readdir, readFile, readlink } from "node:fs/promises";

export async function processCmdline(pid: number): Promise<string | null> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, "utf8")).replaceAll("\0", " ");
  } catch {
    return null;
  }
}

/**
 * SIGKILLs `pid` only if it still is the sandbox's process (pids are reused after a crash): its
 * command line mentions the sandbox dir or it sits in the sandbox's cgroup.
 */
export async function killIfOurs(pid: number | null, dir: string, id: string): Promise<void> {
  if (pid === null) return;
  const cmdline = await processCmdline(pid);
  if (cmdline === null) return;
  const cgroup = await readFile(`/proc/${pid}/cgroup`, "utf8").catch(() => "");
  if (!cmdline.includes(dir) && !cgroup.includes(`/c8s/${id}`)) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone
  }
}

/** SIGKILLs every process whose real uid is `uid` (a per-sandbox uid nothing else uses). */
export async function killUidProcesses(uid: number | null): Promise<number> {
  if (uid === null || uid < 1000) return 0;
  let killed = 0;
  for (const name of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const status = await readFile(`/proc/${name}/status`, "utf8").catch(() => "");
    const match = /^Uid:\s+(\d+)/m.exec(status);
    if (match && Number(match[1]) === uid) {
      try {
        process.kill(Number(name), "SIGKILL");
        killed++;
      } catch {
        // gone
      }
    }
  }
  return killed;
}

/** Direct children of `pid` (host view). */
export async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[1]) === pid) out.push(Number(name));
  }
  return out;
}

interface NsProcess {
  hostPid: number;
  parent: number;
  nsPid: number;
  zombie: boolean;
}

/** Every process in the pid namespace of host pid `pid1` (the sandbox's init), host view. */
async function processesInNamespaceOf(pid1: number): Promise<NsProcess[]> {
  const ns = await readlink(`/proc/${pid1}/ns/pid`).catch(() => null);
  if (ns === null) return [];
  const out: NsProcess[] = [];
  for (const name of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    if ((await readlink(`/proc/${name}/ns/pid`).catch(() => null)) !== ns) continue;
    const status = await readFile(`/proc/${name}/status`, "utf8").catch(() => "");
    const nsPids = /^NSpid:\s+([\d\s]+)$/m.exec(status)?.[1]?.trim().split(/\s+/);
    const parent = /^PPid:\s+(\d+)/m.exec(status)?.[1];
    if (!nsPids || parent === undefined) continue;
    const zombie = /^State:\s+Z/m.test(status);
    out.push({ hostPid: Number(name), parent: Number(parent), nsPid: Number(nsPids[nsPids.length - 1]), zombie });
  }
  return out;
}

/**
 * Kills one exec's process tree from outside the sandbox: the descendants of its shim (the
 * shim is their subreaper, so orphans stay under it), round after round until none is left,
 * then the shim itself. Used when the supervisor did not confirm a kill in time, e.g. because
 * code in the sandbox stopped the shim with SIGSTOP. Host root (or the owner of the sandbox's
 * user namespace) may signal and inspect every process in it.
 */
export async function killExecTree(pid1: number, shimNsPid: number): Promise<number> {
  let killed = 0;
  for (let round = 0; round < 50; round++) {
    const procs = await processesInNamespaceOf(pid1);
    const shim = procs.find((p) => p.nsPid === shimNsPid && p.hostPid !== pid1);
    if (!shim) return killed;
    const tree = new Set([shim.hostPid]);
    for (let grew = true; grew;) {
      grew = false;
      for (const p of procs)
        if (!tree.has(p.hostPid) && tree.has(p.parent)) {
          tree.add(p.hostPid);
          grew = true;
        }
    }
    tree.delete(shim.hostPid);
    // Killed children stay zombies until the (stopped) shim reaps them: once only zombies are
    // left, the shim goes, and pid 1 reaps what it leaves.
    const living = procs.filter((p) => tree.has(p.hostPid) && !p.zombie).map((p) => p.hostPid);
    const victims = living.length > 0 ? living : [shim.hostPid];
    for (const pid of victims) {
      try {
        process.kill(pid, "SIGKILL");
        killed++;
      } catch {
        // already gone
      }
    }
    if (living.length === 0) return killed;
    await new Promise((r) => setTimeout(r, 10));
  }
  return killed;
}
