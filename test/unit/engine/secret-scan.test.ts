/**
 * The binary secret scanner: a secret in any masked form is found whatever the chunking — cut
 * at every byte, byte by byte, across a wrapped base64 line — and clean bytes find nothing.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { secretForms } from "../../../src/engine/masking.ts";
import { findSecret, SecretScanner } from "../../../src/engine/secret-scan.ts";

const SECRETS = [
  { name: "API_TOKEN", value: "tok-9f8e7d6c5b4a" },
  { name: "PASSWORD", value: "p@ss word/+?&=é✓" },
];

/** Bytes with no byte a pattern starts with, so only the planted form can match. */
function noise(length: number): Buffer {
  return Buffer.from(randomBytes(length).map((b) => (b & 0x0f) | 0x80));
}

function scanChunks(chunks: Buffer[]): string | undefined {
  const scanner = new SecretScanner(SECRETS);
  for (const chunk of chunks) scanner.write(chunk);
  return scanner.end();
}

void test("every form of every secret is found when the bytes are cut at every boundary", () => {
  for (const { name, value } of SECRETS)
    for (const form of secretForms(value)) {
      const data = Buffer.concat([noise(9), Buffer.from(form), Buffer.from([0, 1, 2])]);
      for (let cut = 0; cut <= data.length; cut++)
        assert.equal(scanChunks([data.subarray(0, cut), data.subarray(cut)]), name, `${form} cut at ${cut}`);
      assert.equal(scanChunks([...data].map((b) => Buffer.from([b]))), name, `${form} byte by byte`);
    }
});

void test("a secret across many chunks of a large stream is found, after megabytes of clean bytes", () => {
  const scanner = new SecretScanner(SECRETS);
  for (let i = 0; i < 64; i++) assert.equal(scanner.write(noise(64 * 1024)), undefined);
  const value = Buffer.from("tok-9f8e7d6c5b4a");
  for (const byte of value) scanner.write(Buffer.concat([Buffer.from([byte])]));
  assert.equal(scanner.end(), "API_TOKEN");
});

void test("base64 of a secret wrapped at 16 and 76 columns, with LF and CRLF, across chunks", () => {
  const value = "a-longer-secret-value-that-wraps-over-lines-0123456789";
  const secrets = [{ name: "LONG", value }];
  const encoded = Buffer.from(value).toString("base64");
  for (const width of [16, 76])
    for (const eol of ["\n", "\r\n"]) {
      const wrapped = (encoded.match(new RegExp(`.{1,${width}}`, "g")) ?? []).join(eol);
      const data = Buffer.from(`header\n${wrapped}\nfooter`);
      for (let cut = 0; cut <= data.length; cut += 3) {
        const scanner = new SecretScanner(secrets);
        scanner.write(data.subarray(0, cut));
        scanner.write(data.subarray(cut));
        assert.equal(scanner.end(), "LONG", `width ${width} cut ${cut}`);
      }
    }
});

void test("clean bytes, no secrets, and a prefix of a secret at the end find nothing", () => {
  assert.equal(scanChunks([randomBytes(100_000)]), undefined);
  assert.equal(new SecretScanner([]).write(Buffer.from("anything")), undefined);
  assert.equal(scanChunks([Buffer.from("xx tok-9f8e7d6c5b4")]), undefined);
  assert.equal(findSecret("path/tok-9f8e7d6c5b4a.bin", SECRETS), "API_TOKEN");
  assert.equal(findSecret("path/clean.bin", SECRETS), undefined);
});

void test("the first secret found is the answer and later chunks are not needed", () => {
  const scanner = new SecretScanner(SECRETS);
  assert.equal(scanner.write(Buffer.from("..p@ss word/+?&=é✓..")), "PASSWORD");
  assert.equal(scanner.write(Buffer.from("tok-9f8e7d6c5b4a")), "PASSWORD");
  assert.equal(scanner.secret, "PASSWORD");
});
