/**
 * Where a server run's bytes live. Artifacts and finished step logs are blobs in the
 * installation's BlobStore (keys in `run-blobs.ts`), so an S3-compatible store is a drop-in.
 * A running step's log is a local spool file, `<runs dir>/<id>/logs/<step>.log`, appended by
 * the executor and followed by byte offset; when the step ends it is put into the BlobStore
 * (`archiveLog`) and the spool removed.
 *
 * A reader never sees a gap at that hand-over: the put is atomic and happens before the spool
 * is removed, and `openLog` tries the blob, then the spool (an open spool stays readable when it
 * is removed), then the blob again. A crash before the hand-over leaves the spool; the next
 * start's `recover` archives every spool left under the runs directory.
 */
import { createReadStream } from "node:fs";
import { open, readdir, rm, rmdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { BlobInfo, BlobStore } from "../../blobs/index.ts";
import { C8sError } from "../../errors/index.ts";
import { type ArtifactStore, BlobArtifactStore } from "../runner/artifact-store.ts";
import { logFileName } from "../runner/step-logs.ts";
import { artifactBlobKey, artifactBlobRoot, logBlobPrefix, prefixBytes, stepLogBlobKey } from "./run-blobs.ts";

/** Names the runner gives: a run id, a spool file (`logFileName`). Anything else in the directory is left alone. */
const RUN_ID = /^[A-Za-z0-9_-]{1,100}$/;
const SPOOL_FILE = /^[A-Za-z0-9_.=,-]+\.log$/;
const LOG_CONTENT_TYPE = "text/plain; charset=utf-8";

function isNotFound(error: unknown): boolean {
  if (error instanceof C8sError) return error.code === "NOT_FOUND";
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

export interface RecoveredRuns {
  /** Runs whose leftover step-log spools were put into the BlobStore. */
  logs: string[];
  /** Runs whose artifacts were still files under the run directory (kept so by a version before blobs), now blobs. */
  artifacts: string[];
  /** Runs whose spools or files could not be moved (the BlobStore failed): left in place for the next start. */
  failed: { runId: string; error: string }[];
}

export class RunStorage {
  constructor(
    readonly blobs: BlobStore,
    /** `<pipelines home>/runs`: the run directories (clones, spools, run.json). */
    readonly runsDir: string,
  ) {}

  /** Where the executor appends the run's step logs while they run. */
  spoolDir(runId: string): string {
    return join(this.runsDir, runId, "logs");
  }

  artifactStore(runId: string): ArtifactStore {
    return new BlobArtifactStore(this.blobs, artifactBlobRoot(runId));
  }

  /** The artifact's bytes as a stream, or null when no blob holds it (expired, or lost). */
  async openArtifact(runId: string, key: string): Promise<Readable | null> {
    return this.blobs.get(artifactBlobKey(runId, key)).catch((error: unknown) => {
      if (isNotFound(error)) return null;
      throw error;
    });
  }

  /** Deletes every artifact of the run; returns how many objects went. */
  deleteArtifacts(runId: string): Promise<number> {
    return this.blobs.deletePrefix(`${artifactBlobRoot(runId)}/`);
  }

  /** The bytes of the run's archived step logs (the stored-bytes quota). */
  logBytes(runId: string): Promise<number> {
    return prefixBytes(this.blobs, logBlobPrefix(runId));
  }

  /** Puts a finished step's spool into the BlobStore and removes it; null when the step wrote no log. */
  archiveLog(runId: string, step: string): Promise<BlobInfo | null> {
    return this.archiveSpool(runId, logFileName(step));
  }

  /** Archives every spool the run still has (the run ended, or a crash left them); returns how many. */
  async archiveLogs(runId: string): Promise<number> {
    const dir = this.spoolDir(runId);
    let archived = 0;
    for (const name of await readdir(dir).catch(() => [] as string[]))
      if (SPOOL_FILE.test(name) && (await this.archiveSpool(runId, name)) !== null) archived++;
    await rmdir(dir).catch(() => undefined); // only when empty
    return archived;
  }

  /**
   * Start-up recovery, before any run executes here: every spool under the runs directory
   * (but `keep`'s) is a crash's leftover, or a log kept by a version before blobs; both are
   * archived. Artifacts such a version kept under `<run>/artifacts/` become blobs too.
   * Returns the runs that had some.
   */
  async recover(keep: ReadonlySet<string>): Promise<RecoveredRuns> {
    const recovered: RecoveredRuns = { logs: [], artifacts: [], failed: [] };
    for (const id of (await readdir(this.runsDir).catch(() => [] as string[])).sort()) {
      if (!RUN_ID.test(id) || keep.has(id)) continue;
      try {
        if ((await this.archiveLogs(id)) > 0) recovered.logs.push(id);
        if ((await this.importArtifactFiles(id)) > 0) recovered.artifacts.push(id);
      } catch (error) {
        recovered.failed.push({ runId: id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return recovered;
  }

  /** Moves the files of `<run>/artifacts/` (a `DirectoryArtifactStore`'s) into the BlobStore; a file it cannot move stays. */
  private async importArtifactFiles(runId: string): Promise<number> {
    const root = join(this.runsDir, runId, "artifacts");
    let moved = 0;
    const walk = async (dir: string, prefix: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const path = join(dir, entry.name);
        const key = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
        if (entry.isDirectory()) await walk(path, key);
        else if (entry.isFile() && entry.name.endsWith(".partial")) await rm(path, { force: true });
        else if (entry.isFile()) {
          const put = await this.blobs.put(artifactBlobKey(runId, key), createReadStream(path)).then(
            () => true,
            () => false,
          );
          if (put) {
            await rm(path, { force: true });
            moved++;
          }
        }
      }
      await rmdir(dir).catch(() => undefined); // only when empty
    };
    await walk(root, "");
    return moved;
  }

  /**
   * The step's log from byte `from` (to `to`, exclusive; default its end) as a stream: the
   * blob once the step ended, the spool while it runs, nothing when it wrote none.
   */
  async openLog(runId: string, step: string, from = 0, to?: number): Promise<Readable> {
    if (to !== undefined && to <= from) return Readable.from([]);
    const fromBlob = () =>
      this.blobs
        .get(stepLogBlobKey(runId, step), { range: { start: from, ...(to === undefined ? {} : { end: to }) } })
        .catch((error: unknown) => {
          if (isNotFound(error)) return null;
          throw error;
        });
    const archived = await fromBlob();
    if (archived !== null) return archived;
    const spool = await open(join(this.spoolDir(runId), logFileName(step)), "r").catch((error: unknown) => {
      if (isNotFound(error)) return null;
      throw error;
    });
    // Open before the hand-over removes it: the whole spool stays readable through this handle.
    if (spool !== null) return spool.createReadStream({ start: from, ...(to === undefined ? {} : { end: to - 1 }) });
    // Removed between the two looks: the blob was put before that.
    return (await fromBlob()) ?? Readable.from([]);
  }

  /** `openLog` read into one buffer (a bounded range, or a small log). */
  async readLog(runId: string, step: string, from = 0, to?: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openLog(runId, step, from, to))
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }

  private async archiveSpool(runId: string, fileName: string): Promise<BlobInfo | null> {
    const spool = join(this.spoolDir(runId), fileName);
    if ((await stat(spool).catch(() => null))?.isFile() !== true) return null;
    const info = await this.blobs.put(`${logBlobPrefix(runId)}${fileName}`, createReadStream(spool), {
      contentType: LOG_CONTENT_TYPE,
    });
    // Only once the blob exists: a reader that misses the spool finds the blob.
    await rm(spool, { force: true });
    return info;
  }
}
