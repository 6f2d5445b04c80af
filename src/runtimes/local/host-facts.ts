/** Gathers the host facts the pure bwrap builder needs (which system dirs exist, merged /usr). */
import { lstat, readlink } from "node:fs/promises";
import { DEFAULT_SYSTEM_DIRS, type HostFacts, SECRET_DIRS, SECRET_FILES } from "./bwrap-args.ts";

async function kind(path: string): Promise<"dir" | "file" | "link" | null> {
  try {
    const st = await lstat(path);
    return st.isSymbolicLink() ? "link" : st.isDirectory() ? "dir" : "file";
  } catch {
    return null;
  }
}

export async function gatherHostFacts(bwrapVersion: string | null): Promise<HostFacts> {
  const systemDirs: string[] = [];
  const rootSymlinks: Record<string, string> = {};
  for (const dir of DEFAULT_SYSTEM_DIRS) {
    const k = await kind(dir);
    if (k === "dir") systemDirs.push(dir);
    else if (k === "link") rootSymlinks[dir] = await readlink(dir);
  }
  const maskFiles: string[] = [];
  for (const f of SECRET_FILES) if ((await kind(f)) === "file") maskFiles.push(f);
  const maskDirs: string[] = [];
  for (const d of SECRET_DIRS) if ((await kind(d)) === "dir") maskDirs.push(d);
  const atLeast08 = versionAtLeast(bwrapVersion, [0, 8, 0]);
  return { systemDirs, rootSymlinks, maskFiles, maskDirs, bwrapDisableUserns: atLeast08, bwrapTmpfsSize: atLeast08 };
}

export function versionAtLeast(version: string | null, want: [number, number, number]): boolean {
  if (version === null) return false;
  const parts = version.split(".").map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < 3; i++) {
    const have = parts[i] ?? 0;
    if (have !== want[i]) return have > (want[i] ?? 0);
  }
  return true;
}
