/**
 * The error responses the framework itself can give on a route, derived from its declaration
 * (pure): what the request edge (request-edge.ts), the auth hook, the body parsers and the
 * error handler answer, so /openapi.json declares them on every route without each route
 * listing them by hand. A route's own `responses` override these.
 */
import type { z } from "zod";
import { errorResponse } from "./api-schemas.ts";

/** What of a route declaration decides its implied responses (a RouteDoc fits). */
export interface RouteShape {
  method: string;
  auth: "none" | "token" | "admin";
  scope?: string;
  owns?: string;
  params?: unknown;
  body?: z.ZodType | { raw: string };
  websocket?: boolean;
}

export interface ImpliedResponse {
  description: string;
  schema: z.ZodType;
  /** The `components.responses` entry /openapi.json refers to instead of repeating it. */
  shared?: SharedErrorResponse;
}

/**
 * Responses that read the same on every route: /openapi.json declares each once under
 * `components.responses` and refers to it (`ResponseDoc.shared` names the component).
 */
export const SHARED_ERROR_RESPONSES = {
  BadRequest: {
    status: 400,
    description:
      "Malformed request (INVALID_ARGUMENT: bad percent-encoding, NUL or non-UTF-8 bytes in the path, query or a header; a malformed HTTP request) or input that fails the schema (VALIDATION_FAILED, `details.field` names it).",
  },
  Unauthenticated: {
    status: 401,
    description: "No token, or one that is unknown, revoked or expired (UNAUTHENTICATED).",
  },
  PayloadTooLarge: { status: 413, description: "The body is over the route's size limit (PAYLOAD_TOO_LARGE)." },
  UriTooLong: { status: 414, description: "The path and query are longer than the server reads (URI_TOO_LONG)." },
  UnsupportedMediaType: {
    status: 415,
    description: "A body in a content type the route does not read (UNSUPPORTED_MEDIA_TYPE): send application/json.",
  },
  UpgradeRequired: {
    status: 426,
    description: "A WebSocket endpoint called without the WebSocket upgrade (UPGRADE_REQUIRED).",
  },
  HeadersTooLarge: {
    status: 431,
    description: "The request's headers are larger than the server reads (HEADERS_TOO_LARGE).",
  },
  Internal: { status: 500, description: "An unexpected server error (INTERNAL, STORE_ERROR, …); details are logged." },
  ShuttingDown: { status: 503, description: "The server is shutting down (SERVER_SHUTTING_DOWN); retry later." },
} as const;

export type SharedErrorResponse = keyof typeof SHARED_ERROR_RESPONSES;

function shared(name: SharedErrorResponse): [number, ImpliedResponse] {
  const { status, description } = SHARED_ERROR_RESPONSES[name];
  return [status, { description, schema: errorResponse, shared: name }];
}

/** The framework's error responses on `route`; its own declarations are merged over them. */
export function impliedResponses(route: RouteShape): Record<number, ImpliedResponse> {
  const implied: Array<[number, ImpliedResponse]> = [
    shared("BadRequest"),
    shared("UriTooLong"),
    shared("HeadersTooLarge"),
  ];
  if (route.auth !== "none") implied.push(shared("Unauthenticated"));
  if (route.scope !== undefined || route.auth === "admin")
    implied.push([
      403,
      {
        description: `The token lacks ${route.scope ? `the scope ${route.scope}` : "the admin role"} (PERMISSION_DENIED).`,
        schema: errorResponse,
      },
    ]);
  if (route.owns !== undefined)
    implied.push([404, { description: `No such ${route.owns} in the caller's team.`, schema: errorResponse }]);
  else if (route.params !== undefined) implied.push([404, { description: "No such resource.", schema: errorResponse }]);
  // GET bodies are never read; any other method's body is parsed by the scope's parsers.
  if (route.method !== "GET") {
    implied.push(shared("PayloadTooLarge"));
    // Raw-body routes read every content type; JSON routes only application/json.
    if (route.body === undefined || !("raw" in route.body)) implied.push(shared("UnsupportedMediaType"));
  }
  if (route.websocket === true) implied.push(shared("UpgradeRequired"));
  implied.push(shared("Internal"), shared("ShuttingDown"));
  return Object.fromEntries(implied);
}
