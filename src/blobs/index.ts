/**
 * Blob storage for logs and artifacts: the filesystem store here; the S3 one is
 * `./s3-blob-store.ts`, imported on its own so the AWS SDK loads only where it is configured.
 */
export type * from "./types.ts";
export { FsBlobStore, readBlob } from "./fs-blob-store.ts";
export { assertBlobKey, assertBlobPrefix } from "./keys.ts";
