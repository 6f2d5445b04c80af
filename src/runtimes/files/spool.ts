/**
 * Uploads are spooled to a private temporary file before any byte reaches a sandbox: memory
 * stays flat whatever the size, a truncated or over-limit upload writes nothing, tar archives
 * are checked (tar-slip guard) in full before extraction starts, and runtimes that need the
 * length up front (a Docker archive header, `head -c N` in a pod) know it.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { C8sError } from "../../errors/index.ts";
import { validateTarStream } from "./tar-guard.ts";

/** Largest upload a runtime spools when the caller sets no smaller limit (1 GiB). */
export const DEFAULT_SPOOL_LIMIT = 1024 * 1024 * 1024;

export interface Spooled {
  readonly size: number;
  /** A fresh stream of the spooled bytes (may be opened more than once). */
  open(): Readable;
  /** Removes the temporary file; safe to call twice. */
  dispose(): Promise<void>;
}

export interface SpoolOptions {
  maxBytes?: number;
  /** Validate the bytes as a tar archive (tar-slip guard) before returning. */
  tar?: boolean;
}

function tooLarge(maxBytes: number): C8sError {
  return new C8sError("FILE_TOO_LARGE", `The upload is larger than ${maxBytes} bytes.`, {
    details: { maxBytes },
    hint: "Upload a smaller file or split it.",
  });
}

/** Copies `source` into a mode-0600 file in a fresh mode-0700 directory; see the module comment. */
export async function spool(source: Readable, options: SpoolOptions = {}): Promise<Spooled> {
  const maxBytes = options.maxBytes ?? DEFAULT_SPOOL_LIMIT;
  const dir = await mkdtemp(join(tmpdir(), "c8s-spool-"));
  const file = join(dir, "data");
  const dispose = () => rm(dir, { recursive: true, force: true });
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer | string, _encoding, callback: TransformCallback) {
      size += chunk.length;
      if (size > maxBytes) callback(tooLarge(maxBytes));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(source, counter, createWriteStream(file, { mode: 0o600 }));
    if (options.tar) await validateTarStream(createReadStream(file));
  } catch (error) {
    await dispose();
    throw error;
  }
  return { size, open: () => createReadStream(file), dispose };
}

/** Runs `use` with the spooled upload and always removes the temporary file afterwards. */
export async function withSpooled<T>(
  source: Readable,
  options: SpoolOptions,
  use: (spooled: Spooled) => Promise<T>,
): Promise<T> {
  const spooled = await spool(source, options);
  try {
    return await use(spooled);
  } finally {
    await spooled.dispose();
  }
}
