/**
 * Storing an artifact through the secret filter, on both real stores — the
 * `DirectoryArtifactStore` of `c8s run` and the server's `BlobArtifactStore` over an
 * `FsBlobStore` — on temp directories: text is stored masked at any chunking, a binary file
 * with a secret anywhere — across the 8 KiB sniff and later chunk boundaries — is refused and
 * leaves no file or object, clean binary is stored byte for byte, a tar is always scanned,
 * never masked.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { FsBlobStore, readBlob } from "../../../src/blobs/index.ts";
import { SecretMasker } from "../../../src/engine/masking.ts";
import { C8sError } from "../../../src/errors/index.ts";
import {
  type ArtifactStore,
  BlobArtifactStore,
  DirectoryArtifactStore,
} from "../../../src/pipelines/runner/artifact-store.ts";
import { artifactSecretGuard, looksBinary, SNIFF_BYTES } from "../../../src/pipelines/runner/artifact-secrets.ts";

const SECRETS = { DEPLOY_TOKEN: "dpl-7c1e-secret-value" };
const VALUE = SECRETS.DEPLOY_TOKEN;
let root: string;
let n = 0;

interface Candidate {
  name: string;
  store: ArtifactStore;
  read(key: string): Promise<Buffer>;
  /** What a put under `a<n>/` left behind, stored or partial. */
  leftovers(prefix: string): Promise<string[]>;
}
let candidates: Candidate[];

before(async () => {
  root = await mkdtemp(join(tmpdir(), "c8s-artifact-secrets-"));
  const dirRoot = join(root, "dir");
  const blobs = new FsBlobStore(join(root, "blobs"));
  candidates = [
    {
      name: "directory",
      store: new DirectoryArtifactStore(dirRoot),
      read: (key) => readFile(join(dirRoot, key)),
      leftovers: (prefix) => readdir(join(dirRoot, prefix)).catch(() => []),
    },
    {
      name: "blob",
      store: new BlobArtifactStore(blobs, "runs/r/artifacts"),
      read: (key) => readBlob(blobs, `runs/r/artifacts/${key}`),
      leftovers: async (prefix) => [
        ...(await blobs.list(`runs/r/artifacts/${prefix}`)).blobs.map((b) => b.key),
        ...(await readdir(join(blobs.root, ".tmp")).catch(() => [])),
      ],
    },
  ];
});
after(() => rm(root, { recursive: true, force: true }));

function chunksOf(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

/** Stores `data` in every candidate store; they must agree. */
async function store1(data: Buffer, chunk: number, kind: "file" | "tar" = "file") {
  const key = `a${++n}/file`;
  const results: ({ stored: Buffer } | { refused: string })[] = [];
  for (const c of candidates) {
    const guard = artifactSecretGuard(SECRETS, new SecretMasker(Object.values(SECRETS)));
    try {
      const stored = await c.store.put(key, Readable.from(chunksOf(data, chunk)), guard.filter("out/file", kind));
      const bytes = await c.read(stored.key);
      assert.equal(stored.size, bytes.length, `${c.name}: the recorded size is the stored size`);
      results.push({ stored: bytes });
    } catch (error) {
      assert.ok(error instanceof C8sError, String(error));
      assert.equal(error.code, "ARTIFACT_REFUSED", `${c.name}: ${error.message}`);
      assert.ok(!error.message.includes(VALUE));
      assert.deepEqual(await c.leftovers(`a${n}/`), [], `${c.name}: a refused artifact leaves no (partial) file`);
      results.push({ refused: error.message });
    }
  }
  assert.deepEqual(results[1], results[0], "both stores store (or refuse) the same");
  return results[0] as { stored?: Buffer; refused?: string };
}

void test("a source failing half-way stores nothing in either store", async () => {
  for (const c of candidates) {
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from("first part ");
        throw new Error("the sandbox went away");
      })(),
    );
    const guard = artifactSecretGuard(SECRETS, new SecretMasker(Object.values(SECRETS)));
    await assert.rejects(c.store.put("broken/file", failing, guard.filter("broken/file", "file")), /went away/);
    assert.deepEqual(await c.leftovers("broken/"), [], c.name);
  }
  await assert.rejects(
    candidates[1]?.store.put("../escape", Readable.from([Buffer.from("x")])) ?? Promise.resolve(),
    (e: unknown) => e instanceof C8sError && e.code === "INVALID_ARGUMENT",
  );
});

void test("looksBinary: NUL or invalid UTF-8; a sequence cut at the sniff boundary is still text", () => {
  assert.equal(looksBinary(Buffer.from("plain text\n"), true), false);
  assert.equal(looksBinary(Buffer.from("a\0b"), true), true);
  assert.equal(looksBinary(Buffer.from([0x61, 0xff, 0x62]), true), true);
  const cut = Buffer.from("é").subarray(0, 1);
  assert.equal(looksBinary(cut, false), false);
  assert.equal(looksBinary(cut, true), true);
});

void test("a text file is stored masked (raw, base64, hex) whatever the chunk size, also past the sniff", async () => {
  const text = Buffer.from(
    `${"x".repeat(SNIFF_BYTES - 5)}${VALUE}\nb64 ${Buffer.from(VALUE).toString("base64")}\nhex ${Buffer.from(VALUE).toString("hex")}\n`,
  );
  for (const chunk of [1, 7, 4096, SNIFF_BYTES, 1 << 20]) {
    const result = await store1(text, chunk);
    assert.ok(result.stored, `chunk ${chunk}: ${result.refused}`);
    const out = result.stored.toString("utf8");
    assert.ok(!out.includes(VALUE) && !out.includes(Buffer.from(VALUE).toString("hex")), `chunk ${chunk}`);
    assert.ok(!out.includes(Buffer.from(VALUE).toString("base64").slice(0, 20)), `chunk ${chunk}`);
    assert.equal((out.match(/\*\*\*/g) ?? []).length, 3, `chunk ${chunk}`);
  }
});

void test("an ::add-mask:: line in a text artifact is kept as it is (artifacts are no commands)", async () => {
  const result = await store1(Buffer.from("::add-mask::not-a-command\nrest\n"), 5);
  assert.equal(result.stored?.toString(), "::add-mask::not-a-command\nrest\n");
});

void test("a binary file holding the secret is refused wherever it sits and however it is cut", async () => {
  const head = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), randomBytes(64)]);
  const secretForms = [Buffer.from(VALUE), Buffer.from(Buffer.from(VALUE).toString("hex"))];
  for (const form of secretForms)
    for (const at of [10, SNIFF_BYTES - 3, 3 * 65536 - 7]) {
      const data = Buffer.concat([head, Buffer.alloc(at, 0x90), form, randomBytes(100)]);
      for (const chunk of [1024, 65536, 8191]) {
        const result = await store1(data, chunk);
        assert.match(
          result.refused ?? "",
          /artifact 'out\/file' contains secret DEPLOY_TOKEN/,
          `at ${at} chunk ${chunk}`,
        );
      }
    }
});

void test("a clean binary file is stored byte for byte; a tar is scanned even when it looks like text", async () => {
  const binary = Buffer.concat([Buffer.from([0]), randomBytes(300_000)]);
  assert.deepEqual((await store1(binary, 65536)).stored, binary);
  const tar = Buffer.from(`dir/file\0\0\0 text ${VALUE} text`);
  assert.match((await store1(tar, 3, "tar")).refused ?? "", /directory is stored as a tar/);
  const cleanTar = Buffer.from("dir/file\0\0\0 clean text");
  assert.deepEqual((await store1(cleanTar, 3, "tar")).stored, cleanTar);
});

void test("a path showing a secret is detected and masked for the listing", () => {
  const guard = artifactSecretGuard(SECRETS, new SecretMasker(Object.values(SECRETS)));
  assert.equal(guard.pathSecret(`out/${VALUE}.txt`), "DEPLOY_TOKEN");
  assert.equal(guard.pathSecret("out/clean.txt"), undefined);
  assert.equal(guard.maskPath(`out/${VALUE}.txt`), "out/***.txt");
});
