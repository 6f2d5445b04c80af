/** What every BlobStore shares: a body as a Readable, a byte limit on it, the range check of `get`. */
import { Readable, Transform, type TransformCallback } from "node:stream";
import { C8sError } from "../errors/index.ts";
import type { BlobBody, GetOptions } from "./types.ts";

export function toReadable(body: BlobBody): Readable {
  if (typeof body === "string" || body instanceof Uint8Array) return Readable.from([Buffer.from(body)]);
  if (body instanceof Readable) return body;
  return Readable.from(body);
}

export class SizeLimit extends Transform {
  bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly key: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit)
      callback(
        new C8sError("FILE_TOO_LARGE", `blob ${this.key} is larger than ${this.limit} bytes`, {
          details: { key: this.key, limit: this.limit },
          hint: "Store less, or raise the limit.",
        }),
      );
    else callback(null, chunk);
  }
}

/** INVALID_ARGUMENT unless `range` is 0 ≤ start ≤ end (end exclusive, optional). */
export function assertByteRange(key: string, range: GetOptions["range"]): void {
  if (range !== undefined && (range.start < 0 || (range.end !== undefined && range.end < range.start)))
    throw new C8sError("INVALID_ARGUMENT", `invalid byte range ${range.start}…${range.end ?? ""}`, {
      details: { key, range },
      hint: "Give 0 ≤ start ≤ end.",
    });
}
