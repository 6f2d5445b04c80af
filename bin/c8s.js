#!/usr/bin/env node
// The c8s command. Runs the compiled CLI in dist/ (`npm run build`, scripts/build.mjs) when it
// is current; otherwise — a development checkout with edited sources, or no build yet — runs the
// TypeScript sources through tsx and says so once on stderr (on a terminal, or with C8S_DEBUG).
import { readFileSync } from "node:fs";
import module from "node:module";
import { fileURLToPath } from "node:url";
import { STAMP_FILE, stampIsCurrent } from "./source-stamp.js";

const root = new URL("..", import.meta.url);
const dist = new URL("dist/", root);

function distIsCurrent() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(new URL(STAMP_FILE, dist), "utf8"));
  } catch {
    return false;
  }
  return stampIsCurrent(fileURLToPath(root), stamp);
}

if (process.env.C8S_FROM_SOURCES !== "1" && distIsCurrent()) {
  // Node ≥ 22.1 keeps compiled code between runs (in the OS temp dir); older Node has no such cache.
  module.enableCompileCache?.();
  await import(new URL("main.js", dist).href);
} else {
  if (process.stderr.isTTY || process.env.C8S_DEBUG) {
    const why =
      process.env.C8S_FROM_SOURCES === "1" ? "C8S_FROM_SOURCES=1" : "dist/ is missing or older than the sources";
    process.stderr.write(`c8s: running from the TypeScript sources (${why}; \`npm run build\` makes start-up fast)\n`);
  }
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
