/**
 * One lifecycle: nothing outside the engine creates a sandbox on a runtime. Pipelines (and
 * later sessions and agents) ask the engine for workloads; a direct `Runtime.create` would
 * make a sandbox with no record, no limit and no reaper. The scan fails on a new call site.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";

const SRC = new URL("../../../src/", import.meta.url).pathname;

/** Where calling a runtime's create is the point: the engine, the runtimes' own conformance suite, the k8s permission probe. */
const ALLOWED = [/^engine\/sandbox-engine\.ts$/, /^runtimes\//, /^cli\/k8s-verify\/run\.ts$/];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** `runtime.create(`, `this.runtime.create(`, `options.runtime.create(`, `o.runtime?.create(`. */
export const RUNTIME_CREATE = /\bruntime\??\.create\(/;

void test("the scan recognises a direct runtime create", () => {
  assert.match("  const handle = await o.runtime.create({ id });", RUNTIME_CREATE);
  assert.match("await this.runtime?.create(spec)", RUNTIME_CREATE);
  assert.doesNotMatch("await engine.createWorkload({ purpose: 'step' })", RUNTIME_CREATE);
});

void test("only the engine calls Runtime.create", () => {
  const offenders = sources(SRC)
    .map((path) => relative(SRC, path))
    .filter((rel) => !ALLOWED.some((allowed) => allowed.test(rel)))
    .filter((rel) => RUNTIME_CREATE.test(readFileSync(join(SRC, rel), "utf8")));
  assert.deepEqual(offenders, [], "create sandboxes through the engine (createWorkload), not the runtime");
});
