/**
 * Where a server run's logs and artifacts live in the BlobStore (pure key builders), and the
 * bytes stored under a prefix. Every key of a run starts with `runs/<id>/`:
 *
 *     runs/<id>/logs/<step file>.log        a finished step's masked log
 *     runs/<id>/artifacts/<step>/<path>     an artifact (the run record's `key` is `<step>/<path>`)
 */
import type { BlobStore } from "../../blobs/index.ts";
import { logFileName } from "../runner/step-logs.ts";

/** Every blob of a run. */
export function runBlobPrefix(runId: string): string {
  return `runs/${runId}/`;
}

/** The run's step logs. */
export function logBlobPrefix(runId: string): string {
  return `runs/${runId}/logs/`;
}

export function stepLogBlobKey(runId: string, step: string): string {
  return `${logBlobPrefix(runId)}${logFileName(step)}`;
}

/** What `BlobArtifactStore` puts the run's artifact keys under (no trailing `/`). */
export function artifactBlobRoot(runId: string): string {
  return `runs/${runId}/artifacts`;
}

/** The blob of an artifact whose run record says `key` (`<step>/<path>`). */
export function artifactBlobKey(runId: string, key: string): string {
  return `${artifactBlobRoot(runId)}/${key}`;
}

/** The sizes of every object under `prefix`, page by page. */
export async function prefixBytes(blobs: BlobStore, prefix: string): Promise<number> {
  let total = 0;
  let startAfter: string | undefined;
  do {
    const page = await blobs.list(prefix, startAfter === undefined ? {} : { startAfter });
    for (const blob of page.blobs) total += blob.size;
    startAfter = page.nextStartAfter ?? undefined;
  } while (startAfter !== undefined);
  return total;
}
