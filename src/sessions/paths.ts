/**
 * Session workspace paths, pure: relative to the workspace root, normalized, never `..`,
 * never absolute, no NUL — the same rules as the sandbox file API (`runtimes/files/`), applied
 * before anything reaches the store. Ignore patterns (`node_modules/`) name directories at
 * any depth; a pattern without a trailing `/` names a file or directory by its exact path.
 */
import { C8sError } from "../errors/index.ts";
import { normalizeEntryPath } from "../runtimes/files/index.ts";

export const DEFAULT_IGNORE: readonly string[] = ["node_modules/", ".venv/", "__pycache__/", ".cache/"];

/** Longest path the store keeps (bytes of UTF-8). */
export const MAX_PATH_BYTES = 4096;

function escape(path: string, why: string): C8sError {
  return new C8sError("PATH_OUTSIDE_SANDBOX", `Path '${path}' is outside the session's workspace: ${why}.`, {
    details: { path },
    hint: "Use a path relative to the workspace, without '..' (e.g. src/main.py).",
  });
}

/** The normalized workspace-relative path, or PATH_OUTSIDE_SANDBOX / INVALID_ARGUMENT. */
export function sessionPath(raw: string): string {
  if (raw.includes("\0")) throw escape(raw.replace(/\0/g, "\\0"), "a NUL byte");
  if (raw.startsWith("/")) throw escape(raw, "absolute paths are not workspace paths");
  if (raw.split("/").includes("..")) throw escape(raw, "'..' is not allowed");
  const path = normalizeEntryPath(raw);
  if (path === null) throw escape(raw, "it climbs out of the workspace");
  if (path === "")
    throw new C8sError("INVALID_ARGUMENT", "a file path is required", {
      details: { path: raw },
      hint: "Name a file below the workspace, e.g. PUT /v1/sessions/ID/files/src/main.py.",
    });
  if (Buffer.byteLength(path) > MAX_PATH_BYTES)
    throw new C8sError("INVALID_ARGUMENT", `the path is longer than ${MAX_PATH_BYTES} bytes`, {
      details: { bytes: Buffer.byteLength(path) },
    });
  return path;
}

/** A directory filter ("" = the whole workspace), normalized like a path. */
export function sessionDir(raw: string | undefined): string {
  if (raw === undefined || raw === "" || raw === "." || raw === "/") return "";
  return sessionPath(raw.replace(/\/+$/, ""));
}

/** Whether `path` falls under one of the ignore patterns. */
export function isIgnored(path: string, patterns: readonly string[]): boolean {
  const segments = path.split("/");
  for (const pattern of patterns) {
    if (pattern.endsWith("/")) {
      const dir = pattern.slice(0, -1);
      if (dir.includes("/")) {
        if (path.startsWith(pattern)) return true;
      } else if (segments.slice(0, -1).includes(dir)) return true;
    } else if (path === pattern || path.startsWith(`${pattern}/`)) return true;
  }
  return false;
}

/** Where a symlink at `path` pointing at `target` resolves, workspace-relative; null when outside (or absolute). */
export function linkInside(path: string, target: string): string | null {
  if (target === "" || target.startsWith("/")) return null;
  const base = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
  return normalizeEntryPath(base === "" ? target : `${base}/${target}`);
}
