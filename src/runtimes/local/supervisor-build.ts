/**
 * Compiles `native/supervisor/*.c` on first use into a cache directory keyed by the hash of
 * the sources: `cc -O2 -static`, falling back to a dynamic build. Concurrent callers share
 * one build (write to a temp name, rename into place).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { C8sError } from "../../errors/index.ts";

const run = promisify(execFile);

export const SUPERVISOR_SOURCE_DIR = fileURLToPath(new URL("../../../native/supervisor/", import.meta.url));

export async function supervisorSourceHash(
  sourceDir = SUPERVISOR_SOURCE_DIR,
): Promise<{ hash: string; files: string[] }> {
  const files = (await readdir(sourceDir)).filter((f) => f.endsWith(".c") || f.endsWith(".h")).sort();
  const h = createHash("sha256");
  for (const f of files)
    h.update(f)
      .update("\0")
      .update(await readFile(join(sourceDir, f)))
      .update("\0");
  return { hash: h.digest("hex").slice(0, 16), files };
}

const inflight = new Map<string, Promise<string>>();

/** Returns the path of a built supervisor binary (building it once if needed). */
export function ensureSupervisor(
  cacheDir: string,
  options: { compiler?: string; sourceDir?: string } = {},
): Promise<string> {
  const key = `${cacheDir}\0${options.sourceDir ?? ""}`;
  let p = inflight.get(key);
  if (!p) {
    p = build(cacheDir, options).finally(() => inflight.delete(key));
    inflight.set(key, p);
  }
  return p;
}

async function build(cacheDir: string, options: { compiler?: string; sourceDir?: string }): Promise<string> {
  const sourceDir = options.sourceDir ?? SUPERVISOR_SOURCE_DIR;
  const { hash, files } = await supervisorSourceHash(sourceDir);
  const target = join(cacheDir, `supervisor-${hash}`);
  try {
    if ((await stat(target)).isFile()) return target;
  } catch {
    // not built yet
  }
  await mkdir(cacheDir, { recursive: true, mode: 0o755 });
  await chmod(cacheDir, 0o755);
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`;
  const cc = options.compiler ?? "cc";
  const sources = files.filter((f) => f.endsWith(".c")).map((f) => join(sourceDir, f));
  const base = ["-O2", "-Wall", "-o", temp, ...sources];
  try {
    try {
      await run(cc, ["-static", ...base]);
    } catch (staticError) {
      if ((staticError as NodeJS.ErrnoException).code === "ENOENT") throw staticError;
      await run(cc, base);
    }
  } catch (error) {
    await rm(temp, { force: true });
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new C8sError(
      "ISOLATION_UNAVAILABLE",
      missing
        ? `No C compiler ('${cc}') to build the sandbox supervisor.`
        : `Building the sandbox supervisor failed: ${(error as { stderr?: string }).stderr ?? String(error)}`,
      {
        hint: "Install a C compiler and libc headers: apt-get install gcc libc6-dev",
        details: { compiler: cc, cacheDir },
        cause: error,
      },
    );
  }
  await chmod(temp, 0o755);
  await rename(temp, target);
  return target;
}
