/**
 * BlobStore on a local directory. Each object is a file `<root>/<key>.blob` (the suffix lets
 * `a` and `a/b` coexist, as in S3) with an optional `<key>.blob.json` for its content type.
 * Writes go to a temp file in `<root>/.tmp`, are fsynced, renamed into place and the
 * directory fsynced: a reader sees the old object or the new one, never half of one, and
 * a crash loses nothing already acknowledged.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { C8sError } from "../errors/index.ts";
import { assertBlobKey, assertBlobPrefix, prefixDirectory } from "./keys.ts";
import { assertByteRange, SizeLimit, toReadable } from "./streams.ts";
import type { BlobBody, BlobInfo, BlobPage, BlobStore, GetOptions, ListOptions, PutOptions } from "./types.ts";

const DATA_SUFFIX = ".blob";
const META_SUFFIX = ".blob.json";
const TMP_DIR = ".tmp";

function isErrno(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

function storeError(operation: string, key: string, error: unknown): C8sError {
  if (error instanceof C8sError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const full = isErrno(error, "ENOSPC");
  return new C8sError("STORE_ERROR", `could not ${operation} blob ${key}: ${message}`, {
    details: {
      key,
      operation,
      ...(typeof (error as { code?: unknown })?.code === "string" ? { errno: (error as { code: string }).code } : {}),
    },
    hint: full
      ? "The disk holding the c8s home is full; free space and retry."
      : "Check the blob directory's permissions and disk.",
    cause: error,
  });
}

function notFound(key: string): C8sError {
  return new C8sError("NOT_FOUND", `no blob ${key}`, {
    details: { key },
    hint: "List the prefix to see which keys exist.",
  });
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class FsBlobStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private dataPath(key: string): string {
    return join(this.root, ...key.split("/")) + DATA_SUFFIX;
  }

  private metaPath(key: string): string {
    return join(this.root, ...key.split("/")) + META_SUFFIX;
  }

  async put(key: string, body: BlobBody, options: PutOptions = {}): Promise<BlobInfo> {
    assertBlobKey(key);
    const target = this.dataPath(key);
    const tmpDir = join(this.root, TMP_DIR);
    const tmp = join(tmpDir, `${randomBytes(12).toString("hex")}.part`);
    try {
      await mkdir(tmpDir, { recursive: true });
      await mkdir(dirname(target), { recursive: true });
      const handle = await open(tmp, "wx", 0o644);
      try {
        await pipeline(
          toReadable(body),
          new SizeLimit(options.maxBytes ?? Number.POSITIVE_INFINITY, key),
          async (chunks: AsyncIterable<Buffer>) => {
            for await (const chunk of chunks) await handle.write(chunk);
          },
        );
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (options.contentType !== undefined) {
        const metaTmp = `${tmp}.json`;
        await writeSynced(metaTmp, JSON.stringify({ contentType: options.contentType }));
        await rename(metaTmp, this.metaPath(key));
      } else await rm(this.metaPath(key), { force: true });
      await rename(tmp, target);
      await fsyncDir(dirname(target));
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => undefined);
      await rm(`${tmp}.json`, { force: true }).catch(() => undefined);
      if (isErrno(error, "ENOTDIR") || isErrno(error, "EISDIR") || isErrno(error, "EEXIST"))
        throw new C8sError("CONFLICT", `blob key ${key} collides with a file on disk`, {
          details: { key },
          cause: error,
        });
      throw storeError("write", key, error);
    }
    const info = await this.stat(key);
    if (info === null) throw storeError("write", key, new Error("the blob vanished right after it was written"));
    return info;
  }

  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    assertBlobKey(key);
    const range = options.range;
    assertByteRange(key, range);
    try {
      const handle = await open(this.dataPath(key), "r");
      // An empty range is no bytes (a read stream cannot express it).
      if (range?.end !== undefined && range.end === range.start) {
        await handle.close();
        return Readable.from([]);
      }
      return handle.createReadStream({
        ...(range === undefined ? {} : { start: range.start }),
        ...(range?.end === undefined ? {} : { end: range.end - 1 }),
      });
    } catch (error) {
      if (isErrno(error, "ENOENT") || isErrno(error, "ENOTDIR")) throw notFound(key);
      throw storeError("read", key, error);
    }
  }

  async stat(key: string): Promise<BlobInfo | null> {
    assertBlobKey(key);
    try {
      const info = await stat(this.dataPath(key));
      if (!info.isFile()) return null;
      return { key, size: info.size, modifiedAt: info.mtime.toISOString(), contentType: await this.contentType(key) };
    } catch (error) {
      if (isErrno(error, "ENOENT") || isErrno(error, "ENOTDIR")) return null;
      throw storeError("stat", key, error);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<BlobPage> {
    assertBlobPrefix(prefix);
    const limit = Math.max(1, Math.min(options.limit ?? 1000, 10_000));
    const keys = (await this.keysUnder(prefixDirectory(prefix)))
      .filter(
        (k) =>
          k.startsWith(prefix) &&
          (options.startAfter === undefined || Buffer.compare(Buffer.from(k), Buffer.from(options.startAfter)) > 0),
      )
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const page = keys.slice(0, limit);
    const blobs: BlobInfo[] = [];
    for (const key of page) {
      const info = await this.stat(key);
      if (info !== null) blobs.push(info);
    }
    return { blobs, nextStartAfter: keys.length > limit ? (page.at(-1) ?? null) : null };
  }

  async delete(key: string): Promise<boolean> {
    assertBlobKey(key);
    try {
      await unlink(this.dataPath(key));
    } catch (error) {
      if (isErrno(error, "ENOENT") || isErrno(error, "ENOTDIR")) return false;
      throw storeError("delete", key, error);
    }
    await rm(this.metaPath(key), { force: true });
    await this.pruneEmptyDirs(dirname(this.dataPath(key)));
    return true;
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertBlobPrefix(prefix);
    let deleted = 0;
    for (const key of await this.keysUnder(prefixDirectory(prefix)))
      if (key.startsWith(prefix) && (await this.delete(key))) deleted++;
    return deleted;
  }

  private async contentType(key: string): Promise<string | null> {
    try {
      const meta = JSON.parse(await readFile(this.metaPath(key), "utf8")) as { contentType?: unknown };
      return typeof meta.contentType === "string" ? meta.contentType : null;
    } catch {
      return null;
    }
  }

  /** Every key stored under a directory (recursively). */
  private async keysUnder(directory: string): Promise<string[]> {
    const start = directory === "" ? this.root : join(this.root, ...directory.split("/"));
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isErrno(error, "ENOENT") || isErrno(error, "ENOTDIR")) return;
        throw storeError("list", directory, error);
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (dir === this.root && entry.name === TMP_DIR) continue;
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile() && entry.name.endsWith(DATA_SUFFIX))
          keys.push(relative(this.root, full).split(sep).join("/").slice(0, -DATA_SUFFIX.length));
      }
    };
    await walk(start);
    return keys;
  }

  private async pruneEmptyDirs(dir: string): Promise<void> {
    let current = dir;
    while (current.startsWith(this.root + sep) && current !== this.root) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty (or already gone): stop here
      }
      current = dirname(current);
    }
  }
}

async function writeSynced(path: string, text: string): Promise<void> {
  const handle = await open(path, "wx", 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Reads a whole blob into memory (small objects: metadata, log tails). */
export async function readBlob(store: BlobStore, key: string, options?: GetOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key, options))
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
