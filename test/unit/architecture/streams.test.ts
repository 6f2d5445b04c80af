/**
 * No 'error' event without a handler (issue 8, deliver 2): an unhandled 'error' on any stream
 * ends the whole server (a truncated tar upload did). `.pipe()` does not forward errors, so
 * src/ joins streams with `pipeline` (node:stream/promises) instead, and every file that creates
 * a stream also handles its errors (`pipeline`, `finished`, or an explicit 'error' listener).
 * The scan is textual and per file; a justified exception is one row of ALLOWED, with its reason.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";

const SRC = new URL("../../../src/", import.meta.url).pathname;

/** A stream `.pipe(` call; zod's `schema.pipe(z.…)` is not a stream. */
export const PIPE_CALL = /\.pipe\((?!\s*z\.)/g;
/** Creating a stream that can emit 'error' (in-memory `Readable.from([…])` cannot). */
export const STREAM_CREATION =
  /\b(?:createReadStream|createWriteStream|createConnection|createGzip|createGunzip)\(|\bnew (?:PassThrough|Transform|Readable|Writable|Duplex)\(|\bReadable\.from(?:Web)?\((?!\s*\[)|\bspawn\(/g;
/** What counts as handling a stream's errors in the same file. */
export const ERROR_HANDLING = /\bpipeline\(|\bfinished\(|\.(?:on|once|addListener|prependListener)\(\s*["']error["']/;

interface Allowed {
  file: string;
  /** The exact text of the call allowed (a new, different call in the same file still fails). */
  call: string;
  rule: "pipe" | "creation";
  reason: string;
}

const ALLOWED: Allowed[] = [
  {
    file: "blobs/streams.ts",
    call: "Readable.from(",
    rule: "creation",
    reason:
      "toReadable's result is consumed only through pipeline() by both stores (fs-blob-store.ts, s3-blob-store.ts), which handles its errors",
  },
  {
    file: "server/raw-body.ts",
    call: ".pipe(",
    rule: "pipe",
    reason:
      "limitStream's guard handles the source's 'error' explicitly (on('error') beside the pipe) and its consumer (the spool) joins it with pipeline",
  },
  {
    file: "runtimes/conformance/stream-cases.ts",
    call: "new Readable(",
    rule: "creation",
    reason: "test input for the runtime under test, which must handle its 'error' (one case destroys it on purpose)",
  },
  {
    file: "pipelines/service/run-storage.ts",
    call: "createReadStream(",
    rule: "creation",
    reason:
      "a spool read is handed straight to BlobStore.put (which joins it with pipeline) or returned by openLog to a reader that owns it: Fastify's reply.send (listens for 'error') or LiveLogs' for-await (rejects on 'error')",
  },
  {
    file: "engine/masking.ts",
    call: "new Transform(",
    rule: "creation",
    reason: "a factory: the caller owns the returned Transform and must join it with pipeline",
  },
  {
    file: "cli/commands/sandbox-cp.ts",
    call: "Readable.fromWeb(",
    rule: "creation",
    reason: "passed straight to extractTar, which consumes it with pipeline",
  },
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** `file: call` for each finding in one source text. */
export function findings(file: string, text: string): Array<{ rule: Allowed["rule"]; call: string }> {
  const out: Array<{ rule: Allowed["rule"]; call: string }> = [];
  for (const m of text.matchAll(PIPE_CALL)) out.push({ rule: "pipe", call: m[0] });
  if (!ERROR_HANDLING.test(text)) {
    for (const m of text.matchAll(STREAM_CREATION)) out.push({ rule: "creation", call: m[0] });
  }
  void file;
  return out;
}

void test("the scan recognises bare pipes and unhandled stream creations", () => {
  assert.deepEqual(findings("x.ts", "source.pipe(sink);"), [{ rule: "pipe", call: ".pipe(" }]);
  assert.deepEqual(findings("x.ts", "z.string().pipe(z.number())"), []);
  assert.deepEqual(findings("x.ts", "const s = createReadStream(p); reply.send(s);"), [
    { rule: "creation", call: "createReadStream(" },
  ]);
  assert.deepEqual(findings("x.ts", "const s = createReadStream(p); await pipeline(s, out);"), []);
  assert.deepEqual(findings("x.ts", "const c = spawn('git'); c.on(\"error\", reject);"), []);
  assert.deepEqual(findings("x.ts", "put(Readable.from([buffer]))"), []);
  assert.deepEqual(findings("x.ts", "new PassThrough()"), [{ rule: "creation", call: "new PassThrough(" }]);
});

void test("src/ has no bare .pipe( and no stream created without error handling (beyond ALLOWED)", () => {
  const offenders: string[] = [];
  const used = new Set<Allowed>();
  for (const path of sources(SRC)) {
    const file = relative(SRC, path);
    for (const f of findings(file, readFileSync(path, "utf8"))) {
      const allowed = ALLOWED.find((a) => a.file === file && a.rule === f.rule && f.call.startsWith(a.call));
      if (allowed) used.add(allowed);
      else offenders.push(`${file}: ${f.call} (${f.rule})`);
    }
  }
  assert.deepEqual(
    offenders,
    [],
    "join streams with pipeline() from node:stream/promises and handle every stream's 'error'; a justified exception goes in ALLOWED with its reason",
  );
  const stale = ALLOWED.filter((a) => !used.has(a)).map((a) => `${a.file}: ${a.call}`);
  assert.deepEqual(stale, [], "these ALLOWED rows match nothing any more: remove them");
});
