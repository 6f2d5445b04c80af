/**
 * Layer rules: `npm run lint` rejects an upward import and a runtime import cycle (checked
 * here on a fixture tree with the real lint config), no module of src/ or the SDK is in an
 * import cycle even through type-only imports (which the lint rule skips), and every folder
 * of src/ has a place in the layer table.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { LAYERS, layerConfig } from "../../../eslint.layers.js";

const ROOT = new URL("../../../", import.meta.url).pathname;
const FIXTURE = join(ROOT, "test/fixtures/layers");
/** The top: may import every layer; nothing below imports it. */
const TOP = ["cli", "app.ts", "runtime-factory.ts"];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Relative imports and re-exports of each file, type-only ones included. */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/g)]
      .map((m) => resolve(dirname(file), m[1] ?? ""))
      .filter((target) => existsSync(target));
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w !== undefined) {
          onStack.delete(w);
          component.push(w);
        }
      } while (w !== undefined && w !== v);
      if (component.length > 1) found.push(component);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

void test("the cycle scan finds the fixture's cycles, the type-only one too", () => {
  const found = cycles(importGraph(sources(join(FIXTURE, "src"))));
  assert.deepEqual(found.map((c) => c.map((f) => relative(FIXTURE, f)).sort()).sort(), [
    ["src/engine/cycle-a.ts", "src/engine/cycle-b.ts"],
    ["src/store/type-a.ts", "src/store/type-b.ts"],
  ]);
});

void test("no module of src/ or the SDK is in an import cycle, type-only imports included", () => {
  const files = [...sources(join(ROOT, "src")), ...sources(join(ROOT, "packages/sdk/src"))];
  const found = cycles(importGraph(files)).map((c) => c.map((f) => relative(ROOT, f)).join(" -> "));
  assert.deepEqual(found, [], "break each cycle, e.g. by moving the shared type into its own module");
});

void test("every folder of src/ is a layer or the top", () => {
  const entries = readdirSync(join(ROOT, "src"), { withFileTypes: true }).map((e) => e.name);
  const placed = new Set([...Object.keys(LAYERS), ...TOP]);
  const unplaced = entries.filter((name) => !placed.has(name) && (name.endsWith(".ts") || !name.includes(".")));
  assert.deepEqual(unplaced, [], "add the new folder to LAYERS in eslint.layers.js (and ARCHITECTURE.md)");
});

void test("the lint config rejects an upward import and an import cycle, and allows a downward import", async () => {
  const eslint = new ESLint({
    cwd: FIXTURE,
    overrideConfigFile: true,
    overrideConfig: [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser } }, layerConfig(FIXTURE)],
  });
  const results = await eslint.lintFiles(["src/**/*.ts"]);
  const byFile = Object.fromEntries(
    results.map((r) => [relative(FIXTURE, r.filePath), r.messages.map((m) => m.ruleId ?? m.message)]),
  );
  assert.deepEqual(byFile["src/runtimes/upward.ts"], ["import-x/no-restricted-paths"]);
  // Reported where the cycle is first entered.
  const cycle = [...(byFile["src/engine/cycle-a.ts"] ?? []), ...(byFile["src/engine/cycle-b.ts"] ?? [])];
  assert.ok(cycle.length > 0 && cycle.every((rule) => rule === "import-x/no-cycle"), JSON.stringify(byFile));
  assert.deepEqual(byFile["src/engine/fine.ts"], []);
  assert.deepEqual(byFile["src/server/api.ts"], []);
});
