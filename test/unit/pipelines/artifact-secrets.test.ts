/**
 * Storing an artifact through the secret filter (the real `DirectoryArtifactStore` on a temp
 * directory): text is stored masked at any chunking, a binary file with a secret anywhere —
 * across the 8 KiB sniff and later chunk boundaries — is refused and leaves no file, clean
 * binary is stored byte for byte, a tar is always scanned, never masked.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { SecretMasker } from "../../../src/engine/masking.ts";
import { C8sError } from "../../../src/errors/index.ts";
import { DirectoryArtifactStore } from "../../../src/pipelines/runner/artifact-store.ts";
import { artifactSecretGuard, looksBinary, SNIFF_BYTES } from "../../../src/pipelines/runner/artifact-secrets.ts";

const SECRETS = { DEPLOY_TOKEN: "dpl-7c1e-secret-value" };
const VALUE = SECRETS.DEPLOY_TOKEN;
let root: string;
let store: DirectoryArtifactStore;
let n = 0;

before(async () => {
  root = await mkdtemp(join(tmpdir(), "c8s-artifact-secrets-"));
  store = new DirectoryArtifactStore(root);
});
after(() => rm(root, { recursive: true, force: true }));

function chunksOf(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

async function store1(data: Buffer, chunk: number, kind: "file" | "tar" = "file") {
  const guard = artifactSecretGuard(SECRETS, new SecretMasker(Object.values(SECRETS)));
  const key = `a${++n}/file`;
  try {
    const stored = await store.put(key, Readable.from(chunksOf(data, chunk)), guard.filter("out/file", kind));
    return { stored: await readFile(join(root, stored.key)) };
  } catch (error) {
    assert.ok(error instanceof C8sError, String(error));
    assert.equal(error.code, "ARTIFACT_REFUSED");
    assert.ok(!error.message.includes(VALUE));
    assert.deepEqual(await readdir(join(root, `a${n}`)), [], "a refused artifact leaves no (partial) file");
    return { refused: error.message };
  }
}

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
