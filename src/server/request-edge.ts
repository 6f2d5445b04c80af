/**
 * The request edge: what Node's HTTP parser lets through but c8s refuses before any other
 * hook, handler or the store sees it — a request target over MAX_URL_BYTES (414), malformed
 * percent-encoding or percent-encoded bytes that are not UTF-8 in the path or query, a NUL
 * (`%00`) there, and header values whose bytes are not UTF-8 or hold a NUL (400
 * INVALID_ARGUMENT). The checks are pure; `rejectHostileInput` is the first onRequest hook.
 * What the parser itself refuses (raw NUL, headers over MAX_HEADER_BYTES) is answered by
 * `handleClientError` in http-errors.ts.
 */
import { isUtf8 } from "node:buffer";
import type { FastifyRequest } from "fastify";
import { C8sError } from "../errors/index.ts";

/** The longest request target (path and query) c8s reads; above it, 414 URI_TOO_LONG. */
export const MAX_URL_BYTES = 8 * 1024;
/** Node's parser limit on the request line plus headers; above it, 431 (or 414) from the parser. */
export const MAX_HEADER_BYTES = 16 * 1024;

export function uriTooLong(length?: number): C8sError {
  return new C8sError("URI_TOO_LONG", `the request path and query are longer than ${MAX_URL_BYTES} bytes`, {
    details: { field: "url", limitBytes: MAX_URL_BYTES, ...(length === undefined ? {} : { length }) },
    hint: "Send long values in a JSON body, or a file with PUT /v1/sandboxes/:id/files.",
  });
}

function malformed(where: "path" | "query", what: string): C8sError {
  return new C8sError("INVALID_ARGUMENT", `the request ${where} ${what}`, {
    details: { field: where },
    hint: "Percent-encode the UTF-8 bytes of each value (encodeURIComponent); NUL is never accepted.",
  });
}

function checkComponent(raw: string, where: "path" | "query"): C8sError | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return malformed(where, "is not valid percent-encoded UTF-8");
  }
  return decoded.includes("\0") ? malformed(where, "contains a NUL character") : undefined;
}

/** Refuses a request target (`/path?query`) c8s does not read; undefined when it is fine. */
export function checkRequestTarget(url: string): C8sError | undefined {
  if (url.length > MAX_URL_BYTES) return uriTooLong(url.length);
  const mark = url.indexOf("?");
  const path = mark === -1 ? url : url.slice(0, mark);
  const query = mark === -1 ? "" : url.slice(mark + 1);
  // `+` is a space in a query; it cannot make a valid string invalid, so it needs no decoding here.
  return checkComponent(path, "path") ?? checkComponent(query, "query");
}

/**
 * Refuses header values that hold a NUL or bytes that are not UTF-8. Node hands headers over
 * as latin1 (one char per byte), so the bytes are what the characters spell; the error names
 * the header, never its value (it may be a token).
 */
export function checkHeaders(rawHeaders: readonly string[]): C8sError | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const value = rawHeaders[i + 1] ?? "";
    // eslint-disable-next-line no-control-regex -- the point is to find control and non-ASCII bytes
    if (!/[\x00\x80-\xff]/.test(value)) continue;
    const name = (rawHeaders[i] ?? "").toLowerCase();
    if (value.includes("\0") || !isUtf8(Buffer.from(value, "latin1")))
      return new C8sError("INVALID_ARGUMENT", `the ${name} header holds a NUL or bytes that are not UTF-8`, {
        details: { field: "headers", header: name },
        hint: "Send header values as ASCII (or UTF-8) text.",
      });
  }
  return undefined;
}

/** The first onRequest hook: hostile targets and headers never reach auth, handlers or the store. */
export async function rejectHostileInput(request: FastifyRequest): Promise<void> {
  const refused = checkRequestTarget(request.raw.url ?? "") ?? checkHeaders(request.raw.rawHeaders);
  if (refused) throw refused;
}

/** An onRequest hook: once `shutdown` fired, new requests get 503 SERVER_SHUTTING_DOWN (Fastify's own 503 has its own body). */
export function refuseWhenShuttingDown(shutdown: AbortSignal): () => Promise<void> {
  return async () => {
    if (shutdown.aborted)
      throw new C8sError("SERVER_SHUTTING_DOWN", "the server is shutting down", {
        hint: "Retry in a moment (against the restarted server).",
      });
  };
}
