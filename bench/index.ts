/**
 * `npm run bench [-- --quick] [-- section…]`: prints p50/p95/p99 tables beside the bare
 * mechanism measured in the same run, and writes JSON to bench/results/.
 * Sections: local (default). Others are added as their runtimes land.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { benchLocal } from "./local.ts";
import { table, targetTable } from "./stats.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const sections = args.filter((a) => !a.startsWith("--"));
const wanted = (name: string): boolean => sections.length === 0 || sections.includes(name);

const results: Record<string, unknown> = {
  at: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  quick,
};

if (wanted("local")) {
  console.log("\n## local runtime (bubblewrap)\n");
  const local = await benchLocal({ quick });
  console.log(table(local.rows));
  console.log("\n| concurrency | ops | wall ms | ops/s |\n|---|---|---|---|");
  for (const t of local.throughput)
    console.log(`| ${t.concurrency} | ${t.ops} | ${t.wallMs.toFixed(0)} | ${t.perSecond.toFixed(1)} |`);
  console.log(
    `\nidle memory: ${local.memory.sandboxes} sandboxes, ${local.memory.processes} processes, ` +
      `PSS ${(local.memory.pssBytesPerSandbox / 1048576).toFixed(2)} MB/sandbox, RSS ${(local.memory.rssBytesPerSandbox / 1048576).toFixed(2)} MB/sandbox\n`,
  );
  console.log(targetTable(local.targets));
  results["local"] = local;
}

const dir = resolve(import.meta.dirname, "results");
await mkdir(dir, { recursive: true });
const file = join(dir, `bench-${Date.now()}.json`);
await writeFile(file, JSON.stringify(results, null, 2));
console.log(`\nwrote ${file}`);
