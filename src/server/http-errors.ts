/**
 * The one place where errors become HTTP responses: C8sErrors keep their code and get the
 * status from `httpStatusForCode`; Fastify's own errors (body too large, bad JSON, wrong
 * content type) are translated into c8s codes first; anything else is INTERNAL and its
 * message is not leaked.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { C8sError, isC8sError } from "../errors/index.ts";

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
      return new C8sError("INVALID_ARGUMENT", `unsupported content type: ${error.message}`, {
        details: { field: "content-type" },
        hint: "Send JSON bodies with 'content-type: application/json'.",
      });
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
  void reply.status(status).type("application/json").send(errorBody(c8s));
}
