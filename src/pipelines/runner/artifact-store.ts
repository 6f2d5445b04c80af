/**
 * Where collected artifacts go. The engine-wide blob store (`src/blobs/`) will implement
 * this; until it exists the run uses `DirectoryArtifactStore` under the run directory.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import type { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { C8sError } from "../../errors/index.ts";

export interface StoredArtifact {
  key: string;
  size: number;
}

export interface ArtifactStore {
  /**
   * Stores the bytes under a relative key such as `runs/<run>/artifacts/<step>/dist/app`,
   * through `through` when given (masking, a secret scan): if it fails, nothing is stored.
   */
  put(key: string, data: Readable, through?: Transform): Promise<StoredArtifact>;
}

export class DirectoryArtifactStore implements ArtifactStore {
  constructor(readonly root: string) {}

  async put(key: string, data: Readable, through?: Transform): Promise<StoredArtifact> {
    const clean = normalize(key);
    if (clean.startsWith("..") || clean.startsWith("/"))
      throw new C8sError("INVALID_ARGUMENT", `artifact key escapes the store: ${key}`);
    const path = join(this.root, clean);
    await mkdir(dirname(path), { recursive: true });
    // Written beside and renamed: a read that fails half-way leaves no truncated artifact.
    const partial = `${path}.partial`;
    try {
      if (through) await pipeline(data, through, createWriteStream(partial));
      else await pipeline(data, createWriteStream(partial));
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { key: clean, size: (await stat(path)).size };
  }
}
