/**
 * The compiled CLI (dist/, scripts/build.mjs): bin/c8s.js starts from it when its stamp matches
 * the sources, without loading the heavy packages for `version`, `--help` and `completion`; a
 * stale stamp falls back to the sources and says so. Real node processes, a real build.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  cpSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../../..");
const recorder = join(root, "test/fixtures/record-modules.mjs");
const HEAVY = ["fastify", "@electric-sql/pglite", "pg", "dockerode", "@kubernetes/client-node", "tar-stream", "ws"];
const scratch = mkdtempSync(join(tmpdir(), "c8s-built-cli-"));

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("C8S_") && k !== "NODE_OPTIONS") out[k] = v;
  return { ...out, C8S_HOME: join(scratch, "home"), ...extra };
}

function c8s(bin: string, args: string[], extra: Record<string, string> = {}) {
  const modules = join(scratch, `modules-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(modules, "");
  const run = spawnSync(process.execPath, ["--import", recorder, bin, ...args], {
    env: env({ C8S_RECORD_MODULES: modules, ...extra }),
    encoding: "utf8",
    timeout: 60_000,
  });
  return { ...run, modules: readFileSync(modules, "utf8").split("\n").filter(Boolean) };
}

before(() => {
  const build = spawnSync(process.execPath, [join(root, "scripts/build.mjs"), "--if-stale"], {
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(build.status, 0, build.stderr);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

for (const args of [["version"], ["--help"], ["completion", "bash"]]) {
  void test(`c8s ${args.join(" ")} runs from dist/ without loading ${HEAVY.join(", ")}`, () => {
    const run = c8s(join(root, "bin/c8s.js"), args, { C8S_DEBUG: "1" });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, "", "no 'running from the sources' notice: dist/ is current");
    assert.ok(
      run.modules.some((u) => u.endsWith("/dist/main.js")),
      "loaded dist/main.js",
    );
    assert.deepEqual(
      run.modules.filter((u) => u.endsWith(".ts")),
      [],
      "no TypeScript source loaded",
    );
    const heavy = run.modules.filter((u) => HEAVY.some((name) => u.includes(`/node_modules/${name}/`)));
    assert.deepEqual(heavy, []);
  });
}

void test("a stale dist/ falls back to the sources, and says so only on request (C8S_DEBUG) or on a terminal", () => {
  // A copy of the checkout's entry points beside links to its sources, so the real dist/ stays untouched.
  const tree = join(scratch, "tree");
  mkdirSync(join(tree, "bin"), { recursive: true });
  for (const name of ["c8s.js", "source-stamp.js"]) copyFileSync(join(root, "bin", name), join(tree, "bin", name));
  for (const name of ["src", "packages", "node_modules", "scripts", "native"])
    symlinkSync(join(root, name), join(tree, name));
  copyFileSync(join(root, "package.json"), join(tree, "package.json"));
  cpSync(join(root, "dist"), join(tree, "dist"), { recursive: true });
  const bin = join(tree, "bin/c8s.js");

  const current = c8s(bin, ["version"], { C8S_DEBUG: "1" });
  assert.equal(current.status, 0, current.stderr);
  assert.equal(current.stderr, "", "a copied checkout (new mtimes, same contents) is still current");
  assert.ok(current.modules.some((u) => u.endsWith("/tree/dist/main.js")));

  const stampFile = join(tree, "dist/stamp.json");
  const stamp = JSON.parse(readFileSync(stampFile, "utf8")) as Record<string, unknown>;
  writeFileSync(stampFile, JSON.stringify({ ...stamp, quick: "0", content: "0" }));
  const stale = c8s(bin, ["version"], { C8S_DEBUG: "1" });
  assert.equal(stale.status, 0, stale.stderr);
  assert.match(stale.stdout, /^c8s \d+\.\d+\.\d+ \(node v/);
  assert.match(
    stale.stderr,
    /^c8s: running from the TypeScript sources \(dist\/ is missing or older than the sources;/,
  );
  assert.equal(stale.stderr.split("\n").filter(Boolean).length, 1, "said once");
  // (tsx resolves the .ts modules itself, past the recorder; that nothing of dist/ loaded is what counts)
  assert.ok(!stale.modules.some((u) => u.includes("/tree/dist/")));

  const quiet = c8s(bin, ["version"]);
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.equal(quiet.stderr, "", "off a terminal and without C8S_DEBUG the notice stays out of stderr");

  rmSync(join(tree, "dist"), { recursive: true });
  const missing = c8s(bin, ["version"], { C8S_DEBUG: "1" });
  assert.equal(missing.status, 0, missing.stderr);
  assert.match(missing.stderr, /running from the TypeScript sources/);
});

void test("the build rewrites import.meta.url to the source file, so files beside modules are found", () => {
  const run = spawnSync(process.execPath, [join(root, "bin/c8s.js"), "version", "--json"], {
    env: env(),
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  assert.equal((JSON.parse(run.stdout) as { cli: string }).cli, version);
});
