/**
 * `npm run bench [-- --quick] [-- section…]`: prints p50/p95/p99 tables beside the bare
 * mechanism measured in the same run, and writes JSON to bench/results/ (gitignored).
 * Sections: cli, local, peers, pools, sessions, pipelines, docker, kubernetes (all by default). A section whose backend
 * is absent is skipped with its reason; a section that fails is reported and the others run.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { SECTIONS } from "./sections.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const names = args.filter((a) => !a.startsWith("--"));
const unknown = names.filter((n) => !SECTIONS.some((s) => s.name === n));
if (unknown.length > 0) {
  console.error(`unknown section ${unknown.join(", ")}; sections: ${SECTIONS.map((s) => s.name).join(", ")}`);
  process.exit(2);
}
const chosen = SECTIONS.filter((s) => names.length === 0 || names.includes(s.name));

const results: Record<string, unknown> = {
  at: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  quick,
  commit: git(["rev-parse", "HEAD"]),
  uncommittedFiles: git(["status", "--porcelain"])?.split("\n").filter(Boolean).length,
};

function git(argv: string[]): string | undefined {
  try {
    return execFileSync("git", argv, { cwd: import.meta.dirname, encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}
let failed = false;

for (const section of chosen) {
  console.log(`\n## ${section.title}\n`);
  const skip = await section.skipReason();
  if (skip !== undefined) {
    console.log(`skipped: ${skip}`);
    results[section.name] = { skipped: skip };
    continue;
  }
  const started = Date.now();
  const loadBefore = loadavg();
  try {
    const outcome = await section.run({ quick });
    const loadAfter = loadavg();
    console.log(outcome.text);
    // The machine is shared: say how busy it was around the section.
    const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
    console.log(
      `\nload average (1/5/15 min) before: ${load(loadBefore)}, after: ${load(loadAfter)}; ${cpus().length} CPUs`,
    );
    results[section.name] = { ...outcome.data, sectionWallMs: Date.now() - started, loadBefore, loadAfter };
  } catch (error) {
    failed = true;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.log(`failed: ${message}`);
    results[section.name] = { failed: message };
  }
}

const dir = resolve(import.meta.dirname, "results");
await mkdir(dir, { recursive: true });
const file = join(dir, `bench-${Date.now()}.json`);
await writeFile(file, JSON.stringify(results, null, 2));
console.log(`\nwrote ${file}`);
if (failed) process.exitCode = 1;
