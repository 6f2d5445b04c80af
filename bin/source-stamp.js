// Which sources a build of dist/ was made from, so bin/c8s.js can tell whether dist/ is current.
// Two fingerprints of the same file set (the CLI's sources, the SDK's, package.json and the build
// script): `quick` is the file count, total size, total path length and newest mtime (a few
// stat calls' worth, checked at every start; an edit moves the newest mtime, a deletion the count);
// `content` hashes the bytes and is checked only when `quick` differs, so a checkout or copy that
// changed mtimes but no content still counts as current. Plain JavaScript: it runs before any build.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** What dist/ is built from, relative to the repository root. */
export const STAMP_INPUTS = ["src", "packages/sdk/src", "package.json", "scripts/build.mjs"];
export const STAMP_FILE = "stamp.json";

function listFiles(root, rel, out) {
  let stat;
  try {
    stat = statSync(join(root, rel));
  } catch {
    return;
  }
  if (!stat.isDirectory()) {
    out.push({ rel, stat });
    return;
  }
  const names = readdirSync(join(root, rel)).sort();
  for (const name of names) listFiles(root, `${rel}/${name}`, out);
}

function files(root) {
  const out = [];
  for (const input of STAMP_INPUTS) listFiles(root, input, out);
  return out;
}

/** The fast fingerprint: no hashing, so node:crypto is not even loaded on the way to dist/. */
export function quickStamp(root, list = files(root)) {
  let size = 0;
  let names = 0;
  let newest = 0;
  for (const { rel, stat } of list) {
    size += stat.size;
    names += rel.length;
    if (stat.mtimeMs > newest) newest = stat.mtimeMs;
  }
  return `${list.length}:${size}:${names}:${newest}`;
}

/** The exact fingerprint: paths and contents. */
export function contentStamp(root, list = files(root)) {
  const { createHash } = createRequire(import.meta.url)("node:crypto");
  const hash = createHash("sha1");
  for (const { rel } of list) {
    hash.update(`${rel}\n`);
    hash.update(readFileSync(join(root, rel)));
  }
  return hash.digest("hex");
}

/** Both fingerprints, as the build writes them into dist/stamp.json. */
export function sourceStamp(root) {
  const list = files(root);
  return { quick: quickStamp(root, list), content: contentStamp(root, list), files: list.length };
}

/** True when `stamp` (read from dist/stamp.json) matches the sources under `root` now. */
export function stampIsCurrent(root, stamp) {
  if (typeof stamp !== "object" || stamp === null) return false;
  const list = files(root);
  if (stamp.files !== list.length) return false;
  if (stamp.quick === quickStamp(root, list)) return true;
  return stamp.content === contentStamp(root, list);
}
