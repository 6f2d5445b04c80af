/**
 * The one place where errors become HTTP responses: C8sErrors keep their code and get the
 * status from `httpStatusForCode`; Fastify's own errors (body too large, bad JSON, wrong
 * content type, a bad URL the router refuses) are translated into c8s codes first; anything
 * else is INTERNAL and its message is not leaked. What Node's HTTP parser refuses before
 * Fastify sees a request (a raw NUL, headers over the limit) is answered here too, in the same
 * body, by `handleClientError`.
 */
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { C8sError, isC8sError } from "../errors/index.ts";
import { uriTooLong } from "./request-edge.ts";

export interface ErrorBody {
  error: { code: string; message: string; hint?: string; details: Record<string, unknown> };
}

function isFastifyError(error: unknown): error is FastifyError {
  return (
    error instanceof Error &&
    typeof (error as FastifyError).code === "string" &&
    (error as FastifyError).code.startsWith("FST_")
  );
}

/** Translates Fastify's own errors; `bodyLimit` is the limit of the route that failed. */
export function fromFastifyError(error: FastifyError, bodyLimit: number | undefined): C8sError {
  const status = error.statusCode ?? 500;
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return payloadTooLarge(bodyLimit);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new C8sError("UNSUPPORTED_MEDIA_TYPE", "this route reads JSON bodies only", {
        details: { field: "content-type" },
        hint: "Send JSON bodies with 'content-type: application/json'.",
      });
    case "FST_ERR_BAD_URL":
      // The router could not percent-decode a path segment; its message echoes the path.
      return new C8sError("INVALID_ARGUMENT", "the request path is not valid percent-encoded UTF-8", {
        details: { field: "path" },
        hint: "Percent-encode the UTF-8 bytes of each value (encodeURIComponent).",
      });
    case "FST_ERR_MAX_PARAM_LENGTH":
      return uriTooLong();
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new C8sError("VALIDATION_FAILED", "the request body is empty but its content type is application/json", {
        details: { field: "body" },
        hint: "Send a JSON object, or omit the content-type header.",
      });
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new C8sError("INVALID_ARGUMENT", "the content-length header does not match the body", {
        details: { field: "content-length" },
      });
    default:
      break;
  }
  if (status === 413) return payloadTooLarge(bodyLimit);
  if (status === 404) return new C8sError("NOT_FOUND", error.message);
  if (status >= 400 && status < 500) {
    return new C8sError("VALIDATION_FAILED", `invalid request: ${error.message}`, {
      details: { field: "body", fastifyCode: error.code },
      hint: "Check that the body is well-formed JSON matching /openapi.json.",
    });
  }
  return new C8sError("INTERNAL", "internal server error", { cause: error });
}

export function payloadTooLarge(limitBytes: number | undefined): C8sError {
  const limit = limitBytes === undefined ? "the size limit" : `the ${limitBytes}-byte limit`;
  return new C8sError("PAYLOAD_TOO_LARGE", `the request body is larger than ${limit}`, {
    details: { field: "body", limitBytes: limitBytes ?? null },
    hint: "Send a smaller body: upload large files with PUT /v1/sandboxes/:id/files or a tar to PUT /v1/sandboxes/:id/files/tar (bounded by C8S bodyLimitBytes).",
  });
}

/** Syntax errors from the JSON body parser carry statusCode 400 but no FST_ code. */
function isBodySyntaxError(error: unknown): boolean {
  return error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400;
}

export function toHttpError(error: unknown, bodyLimit?: number): C8sError {
  if (isC8sError(error)) return error;
  if (isFastifyError(error)) return fromFastifyError(error, bodyLimit);
  if (isBodySyntaxError(error)) {
    return new C8sError("VALIDATION_FAILED", `the request body is not valid JSON: ${(error as Error).message}`, {
      details: { field: "body" },
      hint: "Send a well-formed JSON object.",
    });
  }
  return new C8sError("INTERNAL", "internal server error", { cause: error });
}

export function errorBody(error: C8sError): ErrorBody {
  return { error: { ...error.toJSON() } };
}

/** Installed with `setErrorHandler` on the root instance. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const bodyLimit = request.routeOptions?.bodyLimit;
  const c8s = toHttpError(error, bodyLimit);
  const status = c8s.httpStatus;
  if (status >= 500) request.log.error({ err: error, code: c8s.code }, "request failed");
  else request.log.debug({ code: c8s.code }, "request rejected");
  const retryAfter = c8s.details["retryAfterSeconds"];
  if (typeof retryAfter === "number" && Number.isInteger(retryAfter) && retryAfter >= 1)
    void reply.header("retry-after", String(retryAfter));
  const allowed = c8s.details["allowed"];
  if (c8s.code === "METHOD_NOT_ALLOWED" && Array.isArray(allowed)) void reply.header("allow", allowed.join(", "));
  void reply.status(status).type("application/json").send(errorBody(c8s));
}

/** 404 for a path no route has; 405 (with the methods it has) for a path with other methods. */
export function routeMissing(method: string, path: string, allowed: readonly string[]): C8sError {
  if (allowed.length === 0)
    return new C8sError("NOT_FOUND", `no route ${method} ${path}`, { hint: "The API is described at /openapi.json." });
  return new C8sError("METHOD_NOT_ALLOWED", `${path} does not answer ${method}`, {
    details: { allowed: [...allowed] },
    hint: `Use ${allowed.join(", ")}; the API is described at /openapi.json.`,
  });
}

/** Node's parser error, as `clientError` hands it over. */
export interface ParserError extends Error {
  code?: string;
  /** llhttp's short reason ("Invalid char in url path"). */
  reason?: string;
  /** The chunk being parsed when the error struck (a Buffer; Fastify's types say otherwise). */
  rawPacket?: unknown;
}

/** The request line has not ended in this chunk: it is the target that overflowed, not the headers. */
function requestLineOverflowed(packet: unknown): boolean {
  if (!Buffer.isBuffer(packet)) return false;
  return /^[A-Z]{3,10} \S/.test(packet.subarray(0, 16).toString("latin1")) && !packet.includes("\r\n");
}

/** What to answer a connection whose request Node's parser refused (pure). */
export function fromParserError(error: ParserError): C8sError {
  const parserCode = error.code ?? "unknown";
  switch (parserCode) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return new C8sError("REQUEST_TIMEOUT", "the request did not arrive in time", {
        hint: "Send the whole request within the server's request timeout.",
      });
    case "HPE_HEADER_OVERFLOW":
      if (requestLineOverflowed(error.rawPacket)) return uriTooLong();
      return new C8sError("HEADERS_TOO_LARGE", "the request's headers are larger than the server reads", {
        details: { field: "headers" },
        hint: "Send fewer or smaller headers; long values belong in the body.",
      });
    case "HPE_INVALID_URL":
      return new C8sError(
        "INVALID_ARGUMENT",
        "the request target holds a byte HTTP does not allow (NUL, control, space or non-ASCII)",
        {
          details: { field: "url", parserCode },
          hint: "Percent-encode the UTF-8 bytes of each value (encodeURIComponent).",
        },
      );
    default:
      return new C8sError("INVALID_ARGUMENT", `malformed HTTP request${error.reason ? `: ${error.reason}` : ""}`, {
        details: { field: "request", parserCode },
        hint: "Send a well-formed HTTP/1.1 request; header values hold no NUL or control characters.",
      });
  }
}

const answered = new WeakSet<Socket>();
/** How long a refused connection may go on sending before it is cut (it usually closes first). */
const REFUSED_LINGER_MS = 2000;

/**
 * Installed as Fastify's `clientErrorHandler` (Node's `clientError`): answers in c8s's error
 * body, then ends the connection. It ends rather than destroys at once so that the client,
 * which may still be sending, reads the answer instead of a reset; it is cut after a bound.
 */
export function handleClientError(error: ParserError, socket: Socket): void {
  // The parser reports every later chunk of the same connection again: answer once.
  if (error.code === "ECONNRESET" || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  const c8s = fromParserError(error);
  // A response already under way on this connection must not be corrupted (Node does the same).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(c8s));
  const status = c8s.httpStatus;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  const timer = setTimeout(() => socket.destroy(), REFUSED_LINGER_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}
