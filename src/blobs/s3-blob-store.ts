/**
 * BlobStore on an S3-compatible object store (`@aws-sdk/client-s3`; AWS S3, MinIO, versitygw,
 * Ceph RGW…). Objects live at `<prefix><key>` in one bucket. Puts are atomic as S3's are: a
 * body of one part is one PutObject, a larger one a multipart upload of `partBytes` parts
 * (sequential: one part in memory at a time) that is aborted on any failure — either way a reader sees the old object or the new one, and a
 * failed or over-limit put leaves neither a new object nor an unfinished upload behind.
 * Ranged gets are S3 `Range` requests (how a step log resumes). Errors are c8s errors naming
 * the key and the S3 error code — never the credentials.
 *
 * Not exported from `index.ts`: the AWS SDK loads only when an installation configures S3
 * (`src/app.ts` imports this file dynamically).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { pipeline, Readable } from "node:stream";
import { C8sError } from "../errors/index.ts";
import { assertBlobKey, assertBlobPrefix } from "./keys.ts";
import { assertByteRange, SizeLimit, toReadable } from "./streams.ts";
import type { BlobBody, BlobInfo, BlobPage, BlobStore, GetOptions, ListOptions, PutOptions } from "./types.ts";

/** Where the objects live and how to reach them (`src/config`: C8S_S3_*). */
export interface S3BlobStoreOptions {
  bucket: string;
  /** Prepended to every key (e.g. `c8s/`); empty by default. */
  prefix?: string;
  /** An S3-compatible server's URL; unset: AWS S3 of `region`. */
  endpoint?: string;
  region?: string;
  /** Unset: the AWS SDK's default chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Path-style URLs (`endpoint/bucket/key`), which most self-hosted servers need; default: true with an endpoint. */
  forcePathStyle?: boolean;
  /** Size of one multipart part, and the largest body sent as a single PutObject (default 8 MiB; S3's minimum is 5 MiB). */
  partBytes?: number;
}

/** The user metadata field holding the content type a put named (S3 invents one when none is given). */
const TYPE_META = "c8s-content-type";

function s3Code(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number } };
  if (typeof e.Code === "string") return e.Code;
  if (typeof e.name === "string" && e.name !== "Error") return e.name;
  return e.$metadata?.httpStatusCode === undefined ? undefined : `HTTP ${e.$metadata.httpStatusCode}`;
}

function isMissing(error: unknown): boolean {
  const code = s3Code(error);
  return code === "NoSuchKey" || code === "NotFound" || code === "HTTP 404";
}

function storeError(operation: string, key: string, error: unknown): C8sError {
  if (error instanceof C8sError) return error;
  const code = s3Code(error);
  const message = error instanceof Error ? error.message : String(error);
  return new C8sError("STORE_ERROR", `could not ${operation} blob ${key} in the object store: ${message}`, {
    details: { key, operation, ...(code === undefined ? {} : { s3Code: code }) },
    hint:
      code === "NoSuchBucket"
        ? "Create the bucket named by C8S_S3_BUCKET, or fix the setting."
        : "Check C8S_S3_ENDPOINT, the bucket and the credentials, and that the object store is up.",
    cause: error,
  });
}

function notFound(key: string): C8sError {
  return new C8sError("NOT_FOUND", `no blob ${key}`, {
    details: { key },
    hint: "List the prefix to see which keys exist.",
  });
}

/** A stream cut into parts of `size` bytes (the last one smaller, possibly empty when the body is). */
async function* partsOf(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<{ data: Buffer; last: boolean }> {
  let pending: Buffer[] = [];
  let bytes = 0;
  let ready: Buffer | undefined;
  for await (const chunk of source) {
    pending.push(chunk);
    bytes += chunk.length;
    while (bytes >= size) {
      const all = Buffer.concat(pending);
      // A full part is held back until more bytes arrive: only then is it known not to be the last.
      if (ready !== undefined) yield { data: ready, last: false };
      ready = all.subarray(0, size);
      pending = [all.subarray(size)];
      bytes -= size;
    }
  }
  const rest = Buffer.concat(pending);
  if (ready === undefined) yield { data: rest, last: true };
  else if (rest.length === 0) yield { data: ready, last: true };
  else {
    yield { data: ready, last: false };
    yield { data: rest, last: true };
  }
}

export class S3BlobStore implements BlobStore {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly partBytes: number;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? "";
    if (this.prefix !== "") assertBlobPrefix(this.prefix);
    this.partBytes = Math.max(options.partBytes ?? 8 * 1024 * 1024, 5 * 1024 * 1024);
    const config: S3ClientConfig = {
      region: options.region ?? "us-east-1",
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
      // A blob is written once and read back whole or by range: no checksum headers that
      // some S3-compatible servers refuse.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    };
    this.client = new S3Client(config);
  }

  private objectKey(key: string): string {
    return `${this.prefix}${key}`;
  }

  async put(key: string, body: BlobBody, options: PutOptions = {}): Promise<BlobInfo> {
    assertBlobKey(key);
    const limit = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const target = {
      Bucket: this.bucket,
      Key: this.objectKey(key),
      ...(options.contentType === undefined
        ? {}
        : { ContentType: options.contentType, Metadata: { [TYPE_META]: options.contentType } }),
    };
    let uploadId: string | undefined;
    try {
      // pipeline (not pipe): a failing body destroys the limiter with its error, ending the loop.
      const limited = new SizeLimit(limit, key);
      pipeline(toReadable(body), limited, () => undefined);
      const parts: { ETag: string; PartNumber: number }[] = [];
      for await (const part of partsOf(limited, this.partBytes)) {
        if (uploadId === undefined && part.last) {
          // The whole body fits in one part: one PutObject.
          await this.client.send(new PutObjectCommand({ ...target, Body: part.data, ContentLength: part.data.length }));
          break;
        }
        uploadId ??= (await this.client.send(new CreateMultipartUploadCommand(target))).UploadId;
        if (uploadId === undefined) throw new Error("the object store returned no upload id");
        const number = parts.length + 1;
        const res = await this.client.send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: target.Key,
            UploadId: uploadId,
            PartNumber: number,
            Body: part.data,
            ContentLength: part.data.length,
          }),
        );
        parts.push({ ETag: res.ETag ?? "", PartNumber: number });
        if (part.last)
          await this.client.send(
            new CompleteMultipartUploadCommand({
              Bucket: this.bucket,
              Key: target.Key,
              UploadId: uploadId,
              MultipartUpload: { Parts: parts },
            }),
          );
      }
    } catch (error) {
      // No unfinished upload (and its stored parts) outlives a refused or failed put.
      if (uploadId !== undefined)
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: target.Key, UploadId: uploadId }))
          .catch(() => undefined);
      throw storeError("write", key, error);
    }
    const info = await this.stat(key);
    if (info === null) throw storeError("write", key, new Error("the object vanished right after it was written"));
    return info;
  }

  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    assertBlobKey(key);
    const range = options.range;
    assertByteRange(key, range);
    // S3 has no empty range, and answers 416 for one past the end: both are no bytes here.
    if (range !== undefined) {
      const info = await this.stat(key);
      if (info === null) throw notFound(key);
      if (range.start >= info.size || range.end === range.start) return Readable.from([]);
    }
    const header =
      range === undefined ? undefined : `bytes=${range.start}-${range.end === undefined ? "" : range.end - 1}`;
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(key),
          ...(header === undefined ? {} : { Range: header }),
        }),
      );
      const stream = res.Body;
      if (stream instanceof Readable) return stream;
      if (stream === undefined) return Readable.from([]);
      return Readable.from(stream as AsyncIterable<Uint8Array>);
    } catch (error) {
      if (isMissing(error)) throw notFound(key);
      throw storeError("read", key, error);
    }
  }

  async stat(key: string): Promise<BlobInfo | null> {
    assertBlobKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return {
        key,
        size: head.ContentLength ?? 0,
        modifiedAt: (head.LastModified ?? new Date(0)).toISOString(),
        contentType: head.Metadata?.[TYPE_META] ?? null,
      };
    } catch (error) {
      if (isMissing(error)) return null;
      throw storeError("stat", key, error);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<BlobPage> {
    assertBlobPrefix(prefix);
    const limit = Math.max(1, Math.min(options.limit ?? 1000, 1000));
    try {
      const res = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.objectKey(prefix),
          MaxKeys: limit,
          ...(options.startAfter === undefined ? {} : { StartAfter: this.objectKey(options.startAfter) }),
        }),
      );
      const blobs = (res.Contents ?? []).flatMap((object): BlobInfo[] =>
        object.Key === undefined
          ? []
          : [
              {
                key: object.Key.slice(this.prefix.length),
                size: object.Size ?? 0,
                modifiedAt: (object.LastModified ?? new Date(0)).toISOString(),
                // A listing carries no content type; stat() has it.
                contentType: null,
              },
            ],
      );
      return { blobs, nextStartAfter: res.IsTruncated === true ? (blobs.at(-1)?.key ?? null) : null };
    } catch (error) {
      throw storeError("list", prefix, error);
    }
  }

  async delete(key: string): Promise<boolean> {
    assertBlobKey(key);
    // S3's DeleteObject succeeds for a missing key too: ask first to answer whether one was deleted.
    if ((await this.stat(key)) === null) return false;
    await this.deleteKeys([key]);
    return true;
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertBlobPrefix(prefix);
    let deleted = 0;
    // Deleting as it goes: every page starts from the front of what is left.
    for (;;) {
      const page = await this.list(prefix, { limit: 1000 });
      if (page.blobs.length === 0) return deleted;
      await this.deleteKeys(page.blobs.map((b) => b.key));
      deleted += page.blobs.length;
      if (page.nextStartAfter === null) return deleted;
    }
  }

  private async deleteKeys(keys: string[]): Promise<void> {
    try {
      const res = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.map((key) => ({ Key: this.objectKey(key) })), Quiet: true },
        }),
      );
      const failed = res.Errors?.[0];
      if (failed !== undefined)
        throw storeError("delete", failed.Key?.slice(this.prefix.length) ?? keys[0] ?? "", {
          name: failed.Code,
          message: failed.Message ?? "refused",
        });
    } catch (error) {
      throw storeError("delete", keys[0] ?? "", error);
    }
  }

  close(): void {
    this.client.destroy();
  }
}
