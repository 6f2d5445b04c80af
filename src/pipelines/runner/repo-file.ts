/**
 * Reads a file of a repository at a commit from git's object database — never from the
 * checked-out tree. The tree on disk is the repository's to shape: `.c8s.yaml` can be a
 * symlink to /etc/shadow, a parent directory can be a symlink to /root, and a plain
 * `readFile` as root would follow either. Git objects cannot point out of the repository:
 * `git ls-tree` lists a symlink as mode 120000 (its blob is only the target's path text) and
 * never descends through one, so the file is a regular blob of that commit or it is refused.
 * There is no filesystem path to race, and nothing a step later does to the workspace matters.
 */
import { C8sError } from "../../errors/index.ts";
import { gitBytes, gitMessage } from "./git-workspace.ts";

/** The pipeline file limit (the YAML reader refuses more anyway; this bounds git's output). */
export const MAX_REPO_FILE_BYTES = 1024 * 1024;

interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  size: number | null;
}

/** `git ls-tree -z -l` output → entries by path. */
export function parseLsTree(output: Buffer): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>();
  for (const record of output.toString("utf8").split("\0")) {
    const tab = record.indexOf("\t");
    if (tab < 0) continue;
    const [mode, type, oid, size] = record.slice(0, tab).trim().split(/\s+/);
    if (mode === undefined || type === undefined || oid === undefined) continue;
    entries.set(record.slice(tab + 1), {
      mode,
      type,
      oid,
      size: size === undefined || size === "-" ? null : Number(size),
    });
  }
  return entries;
}

const MAX_DEPTH = 64;

async function listEntry(
  repoDir: string,
  commit: string,
  path: string,
  signal: AbortSignal | undefined,
): Promise<Map<string, TreeEntry>> {
  try {
    // Literal paths: no pathspec magic, no globs.
    const listing = await gitBytes(["ls-tree", "-z", "-l", "--full-tree", commit, "--", path], {
      cwd: repoDir,
      signal,
      env: { GIT_LITERAL_PATHSPECS: "1" },
      maxBuffer: 1024 * 1024,
    });
    return parseLsTree(listing);
  } catch (error) {
    throw refused(path, commit, `git could not list the commit (${gitMessage(error)})`, "Check the commit exists.");
  }
}

/** Every leading part of a relative path: `a/b/c` → `a`, `a/b`, `a/b/c`. */
export function pathPrefixes(path: string): string[] {
  const parts = path.split("/");
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

function refused(path: string, commit: string, why: string, hint: string): C8sError {
  return new C8sError("PIPELINE_INVALID", `cannot read ${path} at commit ${commit.slice(0, 12)}: ${why}`, {
    details: { file: path, commit },
    hint,
  });
}

/**
 * The bytes of `path` (relative to the repository root, no `..`) in `commit` of the clone at
 * `repoDir`. Throws PIPELINE_INVALID when it is missing, a directory, a submodule, a symlink,
 * under a symlinked directory, or larger than `maxBytes`; the message names the path only.
 */
export async function readCommittedFile(
  repoDir: string,
  commit: string,
  path: string,
  options: { maxBytes?: number; signal?: AbortSignal } = {},
): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? MAX_REPO_FILE_BYTES;
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit))
    throw new C8sError("INTERNAL", `readCommittedFile needs a full commit id, got '${commit.slice(0, 80)}'`);
  const prefixes = pathPrefixes(path);
  if (prefixes.length > MAX_DEPTH)
    throw refused(path, commit, `the path has over ${MAX_DEPTH} parts`, "Give a shorter pipeline path.");
  const fix = "Commit the pipeline file itself as a regular file (not a symlink, not under one) and give its path.";
  let target: TreeEntry | undefined;
  // One literal lookup per leading part (ls-tree given several paths mixes their listings):
  // each must be a directory, the last a regular file; a symlink anywhere is refused.
  for (const [i, prefix] of prefixes.entries()) {
    const entry = (await listEntry(repoDir, commit, prefix, options.signal)).get(prefix);
    const last = i === prefixes.length - 1;
    if (entry === undefined) throw refused(path, commit, `${prefix} does not exist in the commit`, fix);
    if (entry.mode === "120000")
      throw refused(path, commit, `${prefix} is a symbolic link; c8s does not follow links in a repository`, fix);
    if (!last && entry.type !== "tree") throw refused(path, commit, `${prefix} is not a directory`, fix);
    if (last && (entry.type !== "blob" || !["100644", "100755"].includes(entry.mode)))
      throw refused(
        path,
        commit,
        `${prefix} is not a regular file (${entry.type === "tree" ? "a directory" : entry.type})`,
        fix,
      );
    if (last && (entry.size === null || entry.size > maxBytes))
      throw refused(
        path,
        commit,
        `the file is ${entry.size ?? "?"} bytes, over the ${maxBytes}-byte limit`,
        "Keep the pipeline file under 1 MiB.",
      );
    if (last) target = entry;
  }
  if (target === undefined) throw refused(path, commit, "not found", fix);
  try {
    return await gitBytes(["cat-file", "blob", target.oid], {
      cwd: repoDir,
      signal: options.signal,
      maxBuffer: maxBytes + 1,
    });
  } catch (error) {
    throw refused(path, commit, `git could not read the blob (${gitMessage(error)})`, "Check the clone.");
  }
}
