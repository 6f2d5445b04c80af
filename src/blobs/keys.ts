/**
 * Blob key rules (pure). Keys look like S3 keys — `runs/<id>/logs/<step>.log` — but must also
 * be safe as relative filesystem paths: no empty, `.` or `..` segments, no leading `/`, no
 * backslashes, no control characters, at most 1024 bytes.
 */
import { C8sError } from "../errors/index.ts";

const MAX_KEY_BYTES = 1024;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function problem(key: string): string | null {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`;
  if (CONTROL.test(key)) return "contains a control character";
  if (key.includes("\\")) return "contains a backslash";
  if (key.startsWith("/")) return "starts with '/'";
  const segments = key.split("/");
  for (const segment of segments) {
    if (segment === "") return "has an empty path segment";
    if (segment === "." || segment === "..") return `has a '${segment}' segment`;
  }
  return null;
}

/** Throws INVALID_ARGUMENT unless `key` is a valid object key. */
export function assertBlobKey(key: string): void {
  const why = key === "" ? "is empty" : problem(key);
  if (why !== null)
    throw new C8sError("INVALID_ARGUMENT", `invalid blob key ${JSON.stringify(key.slice(0, 200))}: it ${why}`, {
      details: { key: key.slice(0, 200), reason: why },
      hint: "Use '/'-separated names of letters, digits and punctuation, e.g. runs/<id>/logs/build.log.",
    });
}

/** A list prefix: empty (everything), a key, a key ending in '/', or a partial last segment. */
export function assertBlobPrefix(prefix: string): void {
  if (prefix === "") return;
  const segments = prefix.split("/");
  const last = segments.pop() ?? "";
  // Every whole segment follows the key rules; the last may be partial ("runs/ab") or empty ("runs/").
  let why = segments.length > 0 ? problem(segments.join("/")) : problem(last === "" ? "x" : last);
  if (why === null && last === "..") why = "has a '..' segment";
  if (why === null && last !== "" && (CONTROL.test(last) || last.includes("\\")))
    why = "contains a forbidden character";
  if (why !== null)
    throw new C8sError("INVALID_ARGUMENT", `invalid blob prefix ${JSON.stringify(prefix.slice(0, 200))}: it ${why}`, {
      details: { prefix: prefix.slice(0, 200), reason: why },
      hint: "Use a key prefix such as runs/<id>/ — no '..', no leading '/'.",
    });
}

/** The directory part of a prefix that every matching key lives under ("" for the root). */
export function prefixDirectory(prefix: string): string {
  const slash = prefix.lastIndexOf("/");
  return slash < 0 ? "" : prefix.slice(0, slash);
}
