/**
 * Raw (non-JSON) request bodies. Uploads are registered in their own Fastify scope where
 * every content type is accepted: buffered up to the upload limit for file writes and stdin,
 * or passed through as a stream (with the same limit enforced while reading) for tar uploads.
 */
import { Transform, type Readable, type TransformCallback } from "node:stream";
import type { FastifyInstance } from "fastify";
import { payloadTooLarge } from "./http-errors.ts";

/** Within `scope`, any content type (or none) is read into a Buffer of at most `limit` bytes. */
export function acceptBufferedBodies(scope: FastifyInstance, limit: number): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: limit }, (_request, body, done) => {
    done(null, body);
  });
}

/** Within `scope`, any content type (or none) is handed to the route as the raw stream. */
export function acceptStreamedBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser("*", (_request, payload, done) => {
    done(null, payload);
  });
}

/** Passes bytes through and fails with PAYLOAD_TOO_LARGE once more than `limit` went by. */
export function limitStream(source: Readable, limit: number): Readable {
  let seen = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) callback(payloadTooLarge(limit));
      else callback(null, chunk);
    },
  });
  source.on("error", (error) => guard.destroy(error));
  // The consumer attaches later (after the sandbox lookup): a client that aborts before then must not
  // be an uncaught 'error'. The consumer still sees it — pipeline() rejects with a stream's stored error.
  guard.on("error", () => undefined);
  return source.pipe(guard);
}

export function bodyBuffer(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body, "utf8");
  return Buffer.from(JSON.stringify(body), "utf8");
}
