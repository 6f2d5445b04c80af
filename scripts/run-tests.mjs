#!/usr/bin/env node
// Runs the test suite in tiers with Node's built-in test runner (TypeScript via tsx).
//   node scripts/run-tests.mjs            all tiers
//   node scripts/run-tests.mjs unit       one tier (unit | integration | e2e)
//   node scripts/run-tests.mjs path...    given files
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
const tiers = ["unit", "integration", "e2e"];

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith(".test.ts")) out.push(full);
  }
  return out;
}

const args = process.argv.slice(2);
const selected = args.length === 0 ? tiers : args;
let files = [];
for (const arg of selected) {
  if (tiers.includes(arg))
    files.push(...findTests(join(root, "test", arg)), ...findTests(join(root, "packages", "sdk", "test", arg)));
  else files.push(resolve(arg));
}
if (files.length === 0) {
  console.error(`no test files found for: ${selected.join(" ")}`);
  process.exit(1);
}
// The e2e tests run the real bin/c8s.js, which starts from dist/ when it is current: build it
// first (a no-op when it is), so they exercise the compiled CLI users run.
const build = spawnSync(process.execPath, [join(root, "scripts/build.mjs"), "--if-stale"], {
  stdio: "inherit",
  cwd: root,
});
if (build.status !== 0) {
  console.error("scripts/build.mjs failed: the tests need the compiled CLI in dist/");
  process.exit(1);
}
const concurrency = process.env.C8S_TEST_CONCURRENCY ?? "2";
// A test that hangs fails after 10 minutes; a run that hangs (a handle keeping a test file's
// process alive) is killed after C8S_TEST_RUN_TIMEOUT_MS (default 60 minutes) and fails.
const runTimeoutMs = Number(process.env.C8S_TEST_RUN_TIMEOUT_MS ?? 60 * 60 * 1000);
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    `--test-concurrency=${concurrency}`,
    "--test-timeout=600000",
    "--test-reporter=spec",
    ...files,
  ],
  { stdio: "inherit", cwd: root, timeout: runTimeoutMs, killSignal: "SIGKILL" },
);
if (result.error?.code === "ETIMEDOUT") {
  console.error(
    `test run killed after ${runTimeoutMs} ms: a test file did not finish (look for the last file without a summary)`,
  );
  process.exit(1);
}
process.exit(result.status ?? 1);
