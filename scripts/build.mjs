#!/usr/bin/env node
// Builds dist/ — the compiled CLI that bin/c8s.js loads — from src/ and packages/sdk/src with
// esbuild (installed with tsx, a runtime dependency). ESM, code-split: every `import()` in the
// sources stays a separate chunk, so a command loads only what it uses; npm packages stay
// external (resolved from node_modules at run time). Writes dist/stamp.json last (see
// bin/source-stamp.js): a dist/ without a current stamp is never used.
//   node scripts/build.mjs              build
//   node scripts/build.mjs --if-stale   build only when dist/ is missing or older than the sources
//   node scripts/build.mjs --outdir D   build into D instead of dist/ (tests)
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { sourceStamp, STAMP_FILE, stampIsCurrent } from "../bin/source-stamp.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const outFlag = args.indexOf("--outdir");
const outdir = outFlag === -1 ? join(root, "dist") : resolve(args[outFlag + 1] ?? "dist");

function readStamp() {
  try {
    return JSON.parse(readFileSync(join(outdir, STAMP_FILE), "utf8"));
  } catch {
    return undefined;
  }
}

if (args.includes("--if-stale") && stampIsCurrent(root, readStamp())) process.exit(0);

const { build } = await import("esbuild");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
// npm packages resolve at run time, except the workspace SDK (its package points at .ts) and the
// ones every command loads, compiled in because one chunk starts faster than their many files
// (zod: ~100 files, 75 ms to import from node_modules, ~20 ms bundled).
const BUNDLED = new Set(["zod"]);
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
  .filter((n) => !BUNDLED.has(n))
  .flatMap((n) => [n, `${n}/*`]);

// `import { z } from "zod"` becomes a namespace import of zod's module itself: esbuild then keeps
// only the parts c8s uses (~190 KB instead of ~750 KB with every locale: less to parse per start).
const zodNamespace = join(dirname(createRequire(import.meta.url).resolve("zod")), "v4/classic/external.js");
const ZOD_IMPORT = /^import \{ z \} from "zod";$/gm;

// A module that finds files beside itself (`new URL("./x", import.meta.url)`: the local runtime's
// helper and supervisor sources, the dashboard's assets, package.json) keeps finding them in the
// source tree: its import.meta.url becomes its source file's URL, relative to the chunk (every
// output file sits directly in outdir, so one relative path fits whichever chunk it lands in).
const sourceUrls = {
  name: "c8s-sources",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (loadArgs) => {
      let text = readFileSync(loadArgs.path, "utf8");
      const before = text;
      if (text.includes("import.meta.url")) {
        const rel = relative(outdir, loadArgs.path).split(sep).join("/");
        if (isAbsolute(rel)) throw new Error(`cannot reach ${loadArgs.path} from ${outdir}`);
        text = text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`);
      }
      text = text.replace(ZOD_IMPORT, `import * as z from ${JSON.stringify(zodNamespace)};`);
      return text === before ? undefined : { contents: text, loader: "ts" };
    });
  },
};

const started = Date.now();
// No stamp while files change: a `c8s` started meanwhile runs the sources. Old chunks stay (their
// names are content hashes, so none is overwritten): a running `c8s serve` still finds the lazy
// chunks it has not loaded yet. Files no build has written for a day are removed.
rmSync(join(outdir, STAMP_FILE), { force: true });
const stamp = sourceStamp(root);
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: "src/cli/main.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  chunkNames: "[name]-[hash]",
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  plugins: [sourceUrls],
  metafile: true,
});
const written = new Set(Object.keys(result.metafile.outputs).map((o) => resolve(root, o)));
for (const name of readdirSync(outdir)) {
  const path = join(outdir, name);
  if (!written.has(path) && Date.now() - statSync(path).mtimeMs > 24 * 3600 * 1000) rmSync(path, { force: true });
}
writeFileSync(join(outdir, STAMP_FILE), `${JSON.stringify({ ...stamp, builtAt: new Date().toISOString() })}\n`);
console.error(`c8s: built ${relative(process.cwd(), outdir) || "."} in ${Date.now() - started} ms`);
