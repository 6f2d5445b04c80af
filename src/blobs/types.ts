/**
 * Blob storage for logs and artifacts. S3-shaped (flat keys with `/` as a convention,
 * string-prefix listing in byte order with pagination, whole-object puts, ranged gets) so an
 * S3-compatible implementation sits behind the same interface (`s3-blob-store.ts`). The
 * filesystem one is the embedded default.
 */
import type { Readable } from "node:stream";

export interface BlobInfo {
  key: string;
  size: number;
  /** ISO-8601, when the object was last written. */
  modifiedAt: string;
  /** What the put named; from `stat` (a listing may leave it null, as S3's does). */
  contentType: string | null;
}

export type BlobBody = Readable | AsyncIterable<Uint8Array> | Uint8Array | string;

export interface PutOptions {
  contentType?: string;
  /** Reject (FILE_TOO_LARGE) and store nothing when the body is larger. */
  maxBytes?: number;
}

export interface GetOptions {
  /** Byte range, inclusive start, exclusive end (like `Buffer.subarray`). */
  range?: { start: number; end?: number };
}

export interface ListOptions {
  /** Most keys per page (default 1000, like S3). */
  limit?: number;
  /** Only keys after this one (the previous page's `nextStartAfter`). */
  startAfter?: string;
}

export interface BlobPage {
  blobs: BlobInfo[];
  /** Set when more keys match; pass it as `startAfter` for the next page. */
  nextStartAfter: string | null;
}

export interface BlobStore {
  /** Stores the whole body under `key`, replacing any previous object atomically. */
  put(key: string, body: BlobBody, options?: PutOptions): Promise<BlobInfo>;
  /** The object's bytes; NOT_FOUND when there is none. */
  get(key: string, options?: GetOptions): Promise<Readable>;
  /** The object's metadata, or null. */
  stat(key: string): Promise<BlobInfo | null>;
  /** Keys that start with `prefix` (a plain string prefix, as in S3), in byte order. */
  list(prefix: string, options?: ListOptions): Promise<BlobPage>;
  /** True when an object was deleted. */
  delete(key: string): Promise<boolean>;
  /** Deletes every object under `prefix`; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** Releases connections (an S3 client's sockets); the filesystem store has none. */
  close?(): void;
}
