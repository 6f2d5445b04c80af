/**
 * A workspace as one tar, both ways. `packWorkspace` turns the store's files into the archive
 * an attach extracts into a fresh sandbox (parents first, modes and mtimes kept).
 * `readWorkspaceTar` reads the archive `tarOut` of the sandbox's workdir produces into
 * entries, keeping regular files and symlinks that stay inside the workspace; everything else
 * (directories, device nodes, hard links, symlinks pointing outside, ignored paths, files over
 * the inline limit) is not synced and said so in `skipped`.
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import type { SessionFile, SessionFileKind } from "../store/index.ts";
import { normalizeEntryPath } from "../runtimes/files/index.ts";
import { isIgnored, linkInside } from "./paths.ts";

export interface SeenEntry {
  path: string;
  kind: SessionFileKind;
  mode: number;
  content: Buffer;
  sha256: string;
  linkTarget: string | null;
  mtime: string;
}

export interface SkippedEntry {
  path: string;
  reason: "outside-link" | "too-large" | "unsupported-type";
}

export const sha256Of = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

/** Pure apart from the stream: the archive of `files` (parents made as directories first). */
export function packWorkspace(files: readonly SessionFile[]): Readable {
  const pack = tar.pack();
  const dirs = new Set<string>();
  for (const file of files) {
    const parts = file.path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      pack.entry({ name: `${dir}/`, type: "directory", mode: 0o755 });
    }
    const mtime = new Date(file.mtime);
    if (file.kind === "symlink")
      pack.entry({ name: file.path, type: "symlink", linkname: file.linkTarget ?? "", mode: 0o777, mtime });
    else pack.entry({ name: file.path, type: "file", mode: file.mode & 0o7777, mtime, size: file.size }, file.content);
  }
  pack.finalize();
  return pack as unknown as Readable;
}

/** Every syncable entry of a workdir archive, by path; `skipped` lists what was left out and why. */
export async function readWorkspaceTar(
  archive: Readable,
  options: { ignore: readonly string[]; maxFileBytes: number },
): Promise<{ entries: Map<string, SeenEntry>; skipped: SkippedEntry[] }> {
  const entries = new Map<string, SeenEntry>();
  const skipped: SkippedEntry[] = [];
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const path = normalizeEntryPath(header.name);
      const keep =
        path !== null && path !== "" && !isIgnored(path, options.ignore) && !isIgnored(`${path}/`, options.ignore);
      const tooLarge = header.type === "file" && (header.size ?? 0) > options.maxFileBytes;
      stream.on("data", (data: unknown) => {
        const chunk = data as Buffer;
        size += chunk.length;
        if (keep && !tooLarge && size <= options.maxFileBytes) chunks.push(chunk);
      });
      stream.on("error", reject);
      stream.on("end", () => {
        if (keep && path !== null) {
          const mtime = (header.mtime ?? new Date(0)).toISOString();
          if (header.type === "file" || header.type === "contiguous-file") {
            if (tooLarge) skipped.push({ path, reason: "too-large" });
            else {
              const content = Buffer.concat(chunks);
              const mode = (header.mode ?? 0o644) & 0o7777;
              entries.set(path, {
                path,
                kind: "file",
                mode,
                content,
                sha256: sha256Of(content),
                linkTarget: null,
                mtime,
              });
            }
          } else if (header.type === "symlink") {
            const target = header.linkname ?? "";
            if (linkInside(path, target) === null) skipped.push({ path, reason: "outside-link" });
            else {
              const content = Buffer.alloc(0);
              entries.set(path, {
                path,
                kind: "symlink",
                mode: 0o777,
                content,
                sha256: sha256Of(Buffer.from(`symlink:${target}`)),
                linkTarget: target,
                mtime,
              });
            }
          } else if (header.type !== "directory") skipped.push({ path, reason: "unsupported-type" });
        }
        next();
      });
      stream.resume();
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  // pipeline: an error on either side ends both (and rejects), never an unhandled 'error'.
  await Promise.all([pipeline(archive, extract), done]);
  return { entries, skipped };
}
