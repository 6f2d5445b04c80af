/**
 * The tar-slip guard every runtime runs on an upload before any byte reaches the sandbox.
 * An archive is rejected (TAR_INVALID is never used for slip: PATH_OUTSIDE_SANDBOX is) when an
 * entry would land outside the target directory: absolute names, `..` climbing out, entries
 * below a symlink the same archive created, links pointing outside, device nodes.
 */
import { posix } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract } from "tar-stream";
import { C8sError } from "../../errors/index.ts";

export interface TarEntryInfo {
  name: string;
  type: string;
  linkname?: string | null | undefined;
}

const ALLOWED_TYPES = new Set([
  "file",
  "directory",
  "symlink",
  "link",
  "contiguous-file",
  "pax-header",
  "pax-global-header",
  "gnu-long-path",
  "gnu-long-link-path",
]);

function slip(name: string, why: string): C8sError {
  return new C8sError("PATH_OUTSIDE_SANDBOX", `Tar entry '${name}' would land outside the target directory: ${why}.`, {
    details: { entry: name },
    hint: "Create the archive with paths relative to the directory (e.g. `tar -C dir -cf - .`) and no links leaving it.",
  });
}

/** Normalizes a relative archive path; null when it climbs out of the root or is absolute. */
export function normalizeEntryPath(name: string): string | null {
  if (name.startsWith("/") || name.includes("\0")) return null;
  const out: string[] = [];
  for (const segment of name.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(segment);
  }
  return out.join("/");
}

/** Stateful checker: feed entries in archive order; throws on the first unsafe one. */
export class TarSlipChecker {
  private readonly symlinks = new Set<string>();

  check(entry: TarEntryInfo): void {
    const { name, type } = entry;
    if (!ALLOWED_TYPES.has(type)) {
      throw new C8sError("TAR_INVALID", `Tar entry '${name}' has type '${type}', which uploads may not create.`, {
        details: { entry: name, type },
        hint: "Upload only regular files, directories and links.",
      });
    }
    if (name.startsWith("/")) throw slip(name, "absolute name");
    if (name.split("/").includes("..")) throw slip(name, "'..' in the name");
    const path = normalizeEntryPath(name);
    if (path === null) throw slip(name, "climbs out of the target");
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join("/");
      if (this.symlinks.has(prefix)) throw slip(name, `it is below '${prefix}', a symlink in the same archive`);
    }
    if (type === "symlink" || type === "link") {
      const target = entry.linkname ?? "";
      if (target === "" || target.startsWith("/")) throw slip(name, `link target '${target}' is absolute`);
      const base = type === "symlink" ? posix.dirname(path) : "";
      const resolved = normalizeEntryPath(base === "." || base === "" ? target : `${base}/${target}`);
      if (resolved === null) throw slip(name, `link target '${target}' points outside`);
      if (type === "symlink") this.symlinks.add(path);
    } else if (this.symlinks.has(path)) {
      throw slip(name, "it overwrites a symlink from the same archive");
    }
  }
}

function notATar(error: Error): C8sError {
  return error instanceof C8sError
    ? error
    : new C8sError("TAR_INVALID", `The upload is not a valid tar archive: ${error.message}.`, {
        hint: "Send a complete, uncompressed POSIX/GNU tar stream (a truncated upload fails like this).",
        cause: error,
      });
}

/**
 * Reads a tar stream to its end and checks every entry (memory stays flat: entry bodies are
 * drained, not kept). Rejects with PATH_OUTSIDE_SANDBOX or TAR_INVALID; nothing is extracted.
 */
export async function validateTarStream(stream: Readable): Promise<void> {
  const checker = new TarSlipChecker();
  const ex = extract();
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      reject(notATar(error));
      ex.destroy();
      stream.destroy();
    };
    ex.on("entry", (header, body, next) => {
      // An archive that ends inside an entry fails the entry's body stream, not the extractor:
      // without this handler that 'error' was uncaught and took the whole server down.
      body.on("error", fail);
      try {
        checker.check({ name: header.name, type: header.type ?? "file", linkname: header.linkname });
      } catch (error) {
        fail(error as Error);
        return;
      }
      body.on("end", () => next());
      body.resume();
    });
    ex.on("finish", () => resolve());
    pipeline(stream, ex).catch(fail);
  });
}

export async function validateTarBuffer(archive: Buffer): Promise<void> {
  await validateTarStream(Readable.from([archive]));
}
