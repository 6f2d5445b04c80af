import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** Time-ordered, URL- and label-safe ids: `sbx_` + 10 chars of time + 12 random chars (Crockford base32, lowercase). */
export function newId(prefix: "sbx" | "exec" | "tok" | string, nowMs: number): string {
  let time = "";
  let t = Math.max(0, Math.floor(nowMs));
  for (let i = 0; i < 10; i++) {
    time = ALPHABET.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  const random = randomBytes(12);
  let tail = "";
  for (const byte of random) tail += ALPHABET.charAt(byte % 32);
  return `${prefix}_${time}${tail}`;
}
