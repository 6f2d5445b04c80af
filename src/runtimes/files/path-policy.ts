/**
 * The one sandbox path policy every runtime enforces before touching a file: paths resolve
 * against the workdir, `..` may not climb out, and only the workdir and /tmp are reachable.
 * Symlink resolution happens inside the sandbox (each runtime re-checks the resolved path
 * with `isAllowedPath`), because only there does the path mean what untrusted code sees.
 */
import { posix } from "node:path";
import { C8sError } from "../../errors/index.ts";

/** A workdir as an absolute path without a trailing slash ("/w/" → "/w"). */
export function normalizeWorkdir(workdir: string): string {
  const normalized = posix.normalize(workdir);
  return normalized.length > 1 ? normalized.replace(/\/+$/, "") : normalized;
}

/** The directories file operations may reach: the workspace and /tmp. */
export function allowedRoots(workdir: string): string[] {
  const root = normalizeWorkdir(workdir);
  return root === "/tmp" ? [root] : [root, "/tmp"];
}

/** True when `path` (absolute, normalized) is `root` or below it. */
export function isWithin(root: string, path: string): boolean {
  if (root === "/") return path.startsWith("/");
  return path === root || path.startsWith(`${root}/`);
}

export function isAllowedPath(workdir: string, path: string): boolean {
  return allowedRoots(workdir).some((root) => isWithin(root, path));
}

function outside(path: string, workdir: string, why: string): C8sError {
  return new C8sError("PATH_OUTSIDE_SANDBOX", `Path '${path}' is outside the sandbox: ${why}.`, {
    details: { path, workdir, allowed: allowedRoots(workdir) },
    hint: `Use a path inside ${allowedRoots(workdir).join(" or ")}; relative paths resolve against ${workdir}.`,
  });
}

/**
 * Resolves `path` against `workdir` and returns the absolute normalized sandbox path, or
 * throws PATH_OUTSIDE_SANDBOX for traversal out of the allowed roots or an absolute path
 * elsewhere. A `..` that stays inside (`src/../README`) is accepted.
 */
/** The longest file or directory name (bytes) the filesystems c8s runs on accept. */
export const MAX_NAME_BYTES = 255;

export function normalizeSandboxPath(workdir: string, path: string): string {
  if (typeof path !== "string" || path.length === 0) {
    throw new C8sError("INVALID_ARGUMENT", "A file path is required.", { details: { path } });
  }
  if (path.includes("\0")) throw outside(path.replaceAll("\0", "\\0"), workdir, "it contains a NUL byte");
  if (path.length > 4096) throw new C8sError("INVALID_ARGUMENT", "The path is longer than 4096 characters.");
  const joined = path.startsWith("/") ? path : posix.join(normalizeWorkdir(workdir), path);
  // posix.normalize keeps leading `..` only for relative paths; joined is absolute, so a `..`
  // above `/` collapses to `/`. Detect climbing explicitly instead of trusting that.
  const segments: string[] = [];
  for (const segment of joined.split("/")) {
    if (segment === "" || segment === ".") continue;
    // Linux's NAME_MAX: a longer name fails every file call with ENAMETOOLONG.
    if (Buffer.byteLength(segment) > MAX_NAME_BYTES)
      throw new C8sError("INVALID_ARGUMENT", `A name in the path is longer than ${MAX_NAME_BYTES} bytes.`, {
        details: { limitBytes: MAX_NAME_BYTES },
        hint: "Use file and directory names of at most 255 bytes.",
      });
    if (segment === "..") {
      if (segments.length === 0) throw outside(path, workdir, "'..' climbs above the root");
      segments.pop();
    } else segments.push(segment);
  }
  const normalized = `/${segments.join("/")}`;
  if (!isAllowedPath(workdir, normalized)) {
    throw outside(
      path,
      workdir,
      path.includes("..") ? "'..' leaves the allowed directories" : "not under an allowed directory",
    );
  }
  return normalized;
}

/** The error each runtime raises when a symlink resolved out of the allowed roots. */
export function symlinkEscape(path: string, resolved: string, workdir: string): C8sError {
  return outside(path, workdir, `it resolves through a symlink to '${resolved}'`);
}
