/** Blob storage for logs and artifacts: filesystem now, S3-compatible behind the same interface later. */
export type * from "./types.ts";
export { FsBlobStore, readBlob } from "./fs-blob-store.ts";
export { assertBlobKey, assertBlobPrefix } from "./keys.ts";
