/**
 * Property-style masking test: seeded random secrets (ASCII, non-ASCII, characters that need
 * escaping) × every encoding an everyday tool produces × random surrounding text × random
 * write splits. The encoders here are written from each tool's documented behaviour, apart
 * from the masker's own form list, so a form the masker forgets shows up as a leak.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SecretMasker } from "../../../src/engine/masking.ts";

/** mulberry32: a small seeded PRNG, so a failure names its seed and replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  ..." !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\u0001\u007f",
  ..."éüñß€✓漢字😀",
];

function randomString(rand: () => number, min: number, max: number, alphabet = ALPHABET): string {
  const length = min + Math.floor(rand() * (max - min + 1));
  let s = "";
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

function wrap(text: string, columns: number, eol = "\n"): string {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += columns) lines.push(text.slice(i, i + columns));
  return lines.join(eol) + eol;
}

/** Python's urllib.parse.quote(s, safe) (UTF-8, upper-case hex, `_.-~` always safe). */
function pythonQuote(s: string, safe: string, plus: boolean): string {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.~-]/.test(ch) || (byte < 0x80 && safe.includes(ch))) out += ch;
    else if (plus && ch === " ") out += "+";
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Python's json.dumps (ensure_ascii=True): non-ASCII as \uXXXX, surrogate pairs above BMP. */
function pythonJson(s: string): string {
  return JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

interface Encoding {
  name: string;
  /** The whole output a tool writes for `before + secret + after`. */
  encode(before: string, secret: string, after: string): string;
  /** What must not appear in the masked output (line breaks removed first when `unwrap`). */
  forbidden(before: string, secret: string): string;
  unwrap?: boolean;
}

/** The base64 characters that depend on the secret's bits alone, at its offset in the stream. */
function stableBase64(before: string, secret: string, url: boolean): string {
  const prefix = Buffer.from(before, "utf8").length;
  const offset = prefix % 3;
  const bytes = Buffer.from(secret, "utf8");
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString(url ? "base64url" : "base64");
  return encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8 - 6) / 6) + 1);
}

const whole = (f: (s: string) => string): Pick<Encoding, "encode" | "forbidden"> => ({
  encode: (b, s, a) => `${b}${f(s)}${a}`,
  forbidden: (_b, s) => f(s),
});

function base64Encoding(name: string, url: boolean, columns: number | null, eol = "\n"): Encoding {
  return {
    name,
    unwrap: true,
    encode: (b, s, a) => {
      const encoded = Buffer.from(b + s + a, "utf8").toString(url ? "base64url" : "base64");
      return columns === null ? encoded : wrap(encoded, columns, eol);
    },
    forbidden: (b, s) => stableBase64(b, s, url),
  };
}

const ENCODINGS: Encoding[] = [
  { name: "raw", ...whole((s) => s) },
  base64Encoding("base64 (one line, padded)", false, null),
  base64Encoding("base64url (unpadded)", true, null),
  base64Encoding("base64 -w 64 (openssl, PEM)", false, 64),
  base64Encoding("base64 (coreutils default, 76 columns)", false, 76),
  base64Encoding("base64 76 columns CRLF (MIME)", false, 76, "\r\n"),
  base64Encoding("base64url 76 columns", true, 76),
  { name: "hex lower", ...whole((s) => Buffer.from(s).toString("hex")) },
  { name: "hex upper", ...whole((s) => Buffer.from(s).toString("hex").toUpperCase()) },
  { name: "encodeURIComponent", ...whole(encodeURIComponent) },
  { name: "URLSearchParams", ...whole((s) => new URLSearchParams({ q: s }).toString().slice(2)) },
  { name: "python quote", ...whole((s) => pythonQuote(s, "/", false)) },
  { name: "python quote safe=''", ...whole((s) => pythonQuote(s, "", false)) },
  { name: "python quote_plus", ...whole((s) => pythonQuote(s, "", true)) },
  { name: "JSON.stringify", ...whole((s) => JSON.stringify(s).slice(1, -1)) },
  { name: "python json.dumps", ...whole((s) => pythonJson(s).slice(1, -1)) },
  { name: "JSON with \\/ (PHP)", ...whole((s) => JSON.stringify(s).slice(1, -1).replace(/\//g, "\\/")) },
];

function maskInPieces(masker: SecretMasker, bytes: Buffer, rand: () => number): string {
  const stream = masker.createStream();
  const out: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    // Mostly small pieces (1–8 bytes), sometimes large ones.
    const size = rand() < 0.8 ? 1 + Math.floor(rand() * 8) : 1 + Math.floor(rand() * 200);
    out.push(stream.write(bytes.subarray(at, at + size)));
    at += size;
  }
  out.push(stream.end());
  return Buffer.concat(out).toString("latin1");
}

const SEED = 20261207;
const ROUNDS = 60;

void test(`no encoded form of a random secret survives masking (seed ${SEED}, ${ROUNDS} secrets × ${ENCODINGS.length} encodings)`, () => {
  const rand = prng(SEED);
  const text = [...ALPHABET.slice(0, 62), " ", "\n", "=", "/", "+"];
  for (let round = 0; round < ROUNDS; round++) {
    // At least 6 bytes: a shorter secret has fewer than 4 stable base64 characters.
    const secret = randomString(rand, 6, 40);
    const masker = new SecretMasker([secret]);
    for (const encoding of ENCODINGS) {
      const before = randomString(rand, 0, 300, text);
      const after = randomString(rand, 0, 100, text);
      const output = encoding.encode(before, secret, after);
      const masked = maskInPieces(masker, Buffer.from(output, "utf8"), rand);
      const forbidden = Buffer.from(encoding.forbidden(before, secret), "utf8").toString("latin1");
      const seen = encoding.unwrap === true ? masked.replace(/\r?\n/g, "") : masked;
      assert.ok(
        !seen.includes(forbidden),
        `round ${round}, ${encoding.name}: secret ${JSON.stringify(secret)} leaked as ${JSON.stringify(forbidden)}`,
      );
    }
  }
});

void test("masking is bounded: a wrapped-base64 prefix never holds back more than the longest match", () => {
  const secret = "s3cret-value-for-bounds";
  const masker = new SecretMasker([secret]);
  const stream = masker.createStream();
  const stable = stableBase64("", secret, false);
  // Feed a partial match followed by endless line breaks: the stream must give them up.
  let emitted = stream.write(Buffer.from(stable.slice(0, 5))).length;
  for (let i = 0; i < 1000; i++) emitted += stream.write(Buffer.from("\n")).length;
  assert.ok(emitted >= 1000 - masker.maxPatternLength, `held back ${1005 - emitted} bytes`);
});
