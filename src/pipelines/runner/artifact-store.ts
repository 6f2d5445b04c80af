/**
 * Where collected artifacts go. A server run stores them in the installation's BlobStore
 * (`BlobArtifactStore`, keys under `runs/<run>/artifacts/`); `c8s run`, which has no server,
 * keeps them as files under its run directory (`DirectoryArtifactStore`), where it prints them.
 * Both store nothing when the bytes or the filter (masking, the secret scan) fail.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, normalize, posix } from "node:path";
import { type Readable, type Transform, pipeline as pipeStreams } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BlobStore } from "../../blobs/index.ts";
import { C8sError } from "../../errors/index.ts";

export interface StoredArtifact {
  key: string;
  size: number;
}

export interface ArtifactStore {
  /**
   * Stores the bytes under a relative key such as `<step>/dist/app`, through `through` when
   * given (masking, a secret scan): if it fails, nothing is stored.
   */
  put(key: string, data: Readable, through?: Transform): Promise<StoredArtifact>;
}

function escapes(key: string): C8sError {
  return new C8sError("INVALID_ARGUMENT", `artifact key escapes the store: ${key}`, {
    details: { key },
    hint: "Artifact paths are relative to the step's workspace, without '..'.",
  });
}

export class DirectoryArtifactStore implements ArtifactStore {
  constructor(readonly root: string) {}

  async put(key: string, data: Readable, through?: Transform): Promise<StoredArtifact> {
    const clean = normalize(key);
    if (clean.startsWith("..") || clean.startsWith("/")) throw escapes(key);
    const path = join(this.root, clean);
    await mkdir(dirname(path), { recursive: true });
    // Written beside and renamed: a read that fails half-way leaves no truncated artifact.
    const partial = `${path}.partial`;
    const sink = createWriteStream(partial);
    try {
      if (through) await pipeline(data, through, sink);
      else await pipeline(data, sink);
      await rename(partial, path);
    } catch (error) {
      // A failure can come before the file is even open: removed only once the sink has
      // closed, or its late open would make the file again after the rm.
      if (!sink.closed) await once(sink, "close").catch(() => undefined);
      await rm(partial, { force: true });
      throw error;
    }
    return { key: clean, size: (await stat(path)).size };
  }
}

/**
 * Artifacts as blobs `<root>/<key>`. The BlobStore's put is atomic and streams: an error of
 * the source or of `through` (ARTIFACT_REFUSED) rejects it and leaves no object.
 */
export class BlobArtifactStore implements ArtifactStore {
  constructor(
    private readonly blobs: BlobStore,
    /** A key prefix without a trailing `/`, such as `runs/<id>/artifacts`. */
    readonly root: string,
  ) {}

  async put(key: string, data: Readable, through?: Transform): Promise<StoredArtifact> {
    const clean = posix.normalize(key);
    if (clean === "." || clean.startsWith("../") || clean === ".." || clean.startsWith("/")) throw escapes(key);
    // `pipeline` destroys `through` with the source's error, so the put sees every failure.
    const body = through === undefined ? data : pipeStreams(data, through, () => undefined);
    try {
      const info = await this.blobs.put(`${this.root}/${clean}`, body);
      return { key: clean, size: info.size };
    } catch (error) {
      data.destroy(); // a put refused before it read (an invalid key) must not leave the source open
      throw error;
    }
  }
}
