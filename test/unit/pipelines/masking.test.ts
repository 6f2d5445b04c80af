import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { createMaskingTransform, SecretMasker, secretForms } from "../../../src/engine/masking.ts";

const SECRETS = ["hunter2-s3cret", "p@ss word/+?&=é✓", 'quote"back\\slash', "abc"];

function maskChunks(masker: SecretMasker, chunks: Buffer[]): string {
  const stream = masker.createStream();
  const out = chunks.map((c) => stream.write(c));
  out.push(stream.end());
  return Buffer.concat(out).toString("utf8");
}

/** Every way to cut `text` into two chunks, and byte by byte. */
function splits(bytes: Buffer): Buffer[][] {
  const all: Buffer[][] = [];
  for (let cut = 0; cut <= bytes.length; cut++) all.push([bytes.subarray(0, cut), bytes.subarray(cut)]);
  all.push([...bytes].map((b) => Buffer.from([b])));
  return all;
}

function leaks(output: string, secret: string): string[] {
  return secretForms(secret).filter((form) => output.includes(form));
}

void test("each secret and every encoded form is masked when split at every byte boundary", () => {
  const masker = new SecretMasker(SECRETS);
  for (const secret of SECRETS) {
    for (const form of secretForms(secret)) {
      const line = Buffer.from(`before ${form} after\n`);
      const expected = maskChunks(masker, [line]);
      assert.ok(!expected.includes(form), `${form} not masked in one chunk`);
      assert.ok(expected.startsWith("before ") && expected.endsWith(" after\n"), expected);
      for (const chunks of splits(line)) assert.equal(maskChunks(masker, chunks), expected, `split ${chunks.length}`);
    }
  }
});

void test("forms: base64 at every alignment, URL-encoded, JSON-escaped", () => {
  const secret = "p@ss word/+?&=é✓";
  const masker = new SecretMasker([secret]);
  const samples = [
    Buffer.from(secret).toString("base64"),
    Buffer.from(`x${secret}`).toString("base64"),
    Buffer.from(`xy${secret}`).toString("base64"),
    Buffer.from(`token=${secret};`).toString("base64url"),
    encodeURIComponent(secret),
    new URLSearchParams({ q: secret }).toString(),
    JSON.stringify({ secret }),
    JSON.stringify(secret).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
  ];
  for (const sample of samples) {
    const out = maskChunks(masker, [Buffer.from(sample)]);
    assert.ok(out.includes("***"), `not masked: ${sample} → ${out}`);
    assert.equal(leaks(out, secret).length, 0);
    // the decoded base64 must not reveal the secret either
    if (/^[A-Za-z0-9+/=_-]+$/.test(sample))
      assert.ok(!Buffer.from(out.replace("***", ""), "base64").toString().includes(secret));
  }
});

void test("text without secrets passes through unchanged, in order, at any split", () => {
  const masker = new SecretMasker(["needle-value"]);
  const text = Buffer.from("needle-valu is not it; \x1b[31mred\x1b[0m n\nneedle-value!\n");
  for (const chunks of splits(text))
    assert.equal(maskChunks(masker, chunks), "needle-valu is not it; \x1b[31mred\x1b[0m n\n***!\n");
});

void test("holds back at most longest-pattern-minus-one bytes", () => {
  const masker = new SecretMasker(["0123456789"]);
  const stream = masker.createStream();
  const out = stream.write(Buffer.from("a long line ending in 012345678"));
  assert.equal(out.toString(), "a long line ending in ");
  assert.ok(masker.maxPatternLength - 1 >= "012345678".length);
  assert.equal(stream.end().toString(), "012345678");
  const overlapping = new SecretMasker(["aab"]);
  assert.equal(maskChunks(overlapping, [Buffer.from("aaab")]), "a***");
});

void test("the longest of overlapping patterns wins", () => {
  const masker = new SecretMasker(["abc", "abcdef"]);
  for (const chunks of splits(Buffer.from("xabcdefx abcx"))) assert.equal(maskChunks(masker, chunks), "x***x ***x");
});

void test("multi-line secrets are masked whole and line by line", () => {
  const key = "-----BEGIN KEY-----\nAAAABBBBCCCC\n-----END KEY-----";
  const out = new SecretMasker([key]).maskString(`k=${key}\nline: AAAABBBBCCCC\n`);
  assert.ok(!out.includes("AAAABBBBCCCC"), out);
});

void test("::add-mask:: registers a value at run time and is itself not shown, at any split", () => {
  const input = Buffer.from(
    "start\n::add-mask::late-secret-42\nuse late-secret-42 here\n::add-mask: not a command\nend",
  );
  const expected = "start\nuse *** here\n::add-mask: not a command\nend";
  for (const chunks of splits(input)) {
    const masker = new SecretMasker();
    assert.equal(maskChunks(masker, chunks), expected);
    assert.ok(masker.size > 0);
  }
  // only at the start of a line, with CRLF endings, and shared across streams of a run
  const masker = new SecretMasker();
  assert.equal(masker.maskString("x ::add-mask::nope\n"), "x ::add-mask::nope\n");
  const a = masker.createStream();
  assert.equal(Buffer.concat([a.write(Buffer.from("::add-mask::crlf-value\r\n")), a.end()]).toString(), "");
  assert.equal(masker.maskString("crlf-value"), "***");
});

void test("an unterminated add-mask line at the end still registers and prints nothing", () => {
  const masker = new SecretMasker();
  assert.equal(maskChunks(masker, [Buffer.from("::add-mask::tail-value")]), "");
  assert.equal(masker.maskString("tail-value"), "***");
});

void test("the Transform masks a piped stream", async () => {
  const masker = new SecretMasker(["streamed-secret"]);
  const source = Readable.from([Buffer.from("a streamed-se"), Buffer.from("cret b")]);
  const chunks: Buffer[] = [];
  for await (const chunk of source.pipe(createMaskingTransform(masker))) chunks.push(chunk as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), "a *** b");
});
