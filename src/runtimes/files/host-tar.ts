/**
 * Host-side tar for `c8s sandbox cp` and pipeline workspace hand-off: pack a directory, and extract an archive into one
 * without letting any entry land outside it (no absolute paths, no `..`, no writing
 * through a symlink). Only regular files, directories and symlinks are kept.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { lstat, mkdir, readdir, readlink, symlink } from "node:fs/promises";
import { isAbsolute, join, normalize, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { C8sError } from "../../errors/index.ts";

export function packDirectory(dir: string): Readable {
  const pack = tar.pack();
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(dir, rel))).sort();
    for (const name of names) {
      const relPath = rel === "" ? name : `${rel}/${name}`;
      const full = join(dir, relPath);
      const st = await lstat(full);
      const common = { name: relPath, mode: st.mode & 0o7777, mtime: st.mtime };
      if (st.isDirectory()) {
        pack.entry({ ...common, type: "directory" });
        await walk(relPath);
      } else if (st.isSymbolicLink()) {
        pack.entry({ ...common, type: "symlink", linkname: await readlink(full) });
      } else if (st.isFile()) {
        const entry = pack.entry({ ...common, type: "file", size: st.size });
        await pipeline(createReadStream(full), entry);
      }
    }
  };
  walk("").then(
    () => pack.finalize(),
    (error: Error) => pack.destroy(error),
  );
  return pack as unknown as Readable;
}

/** Resolves an entry name under `dest`, or throws PATH_OUTSIDE_SANDBOX (tar-slip). */
export function safeEntryPath(dest: string, name: string): string {
  const cleaned = normalize(name.replace(/^\.\/+/, ""));
  const target = resolve(dest, cleaned);
  const rel = relative(dest, target);
  if (isAbsolute(name) || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) {
    throw new C8sError("PATH_OUTSIDE_SANDBOX", `archive entry '${name}' would land outside ${dest}`, {
      hint: "The archive is unsafe; nothing outside the destination was written.",
    });
  }
  return target;
}

async function assertNoSymlinkParents(dest: string, target: string): Promise<void> {
  const rel = relative(dest, target).split(sep);
  let current = dest;
  for (const part of rel) {
    current = join(current, part);
    try {
      if ((await lstat(current)).isSymbolicLink()) {
        throw new C8sError(
          "PATH_OUTSIDE_SANDBOX",
          `archive entry '${rel.join("/")}' would be written through (or over) a symlink`,
          {
            hint: "The archive is unsafe; nothing was written through the link.",
          },
        );
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
  }
}

export async function extractTar(source: AsyncIterable<Uint8Array> | Readable, dest: string): Promise<number> {
  const root = resolve(dest);
  await mkdir(root, { recursive: true });
  const extract = tar.extract();
  let count = 0;
  const input = source instanceof Readable ? source : Readable.from(source);
  const feeding = pipeline(input, extract as unknown as NodeJS.WritableStream);
  // If the loop below throws, `feeding` must not become an unhandled rejection (it would end the process).
  feeding.catch(() => undefined);
  for await (const entry of extract) {
    // A truncated archive fails the current entry too; the loop sees the error through the iterator.
    entry.on("error", () => undefined);
    const header = entry.header;
    const target = header.name === "./" || header.name === "." ? root : safeEntryPath(root, header.name);
    await assertNoSymlinkParents(root, target);
    if (header.type === "directory") {
      await mkdir(target, { recursive: true, mode: (header.mode ?? 0o755) & 0o777 });
      entry.resume();
    } else if (header.type === "file") {
      await mkdir(resolve(target, ".."), { recursive: true });
      await pipeline(entry, createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o777 }));
      count += 1;
    } else if (header.type === "symlink" && header.linkname) {
      await mkdir(resolve(target, ".."), { recursive: true });
      await symlink(header.linkname, target);
      entry.resume();
    } else {
      entry.resume();
    }
  }
  await feeding;
  return count;
}
