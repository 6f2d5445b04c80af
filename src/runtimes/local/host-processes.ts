/** Host-side process helpers for clean-up: by pid (checking it is ours) and by per-sandbox uid. */
import { readdir, readFile } from "node:fs/promises";

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
