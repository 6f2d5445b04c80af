/**
 * Routes are declared once: the declaration both registers the Fastify handler (with zod
 * parsing of params/query/body) and feeds /openapi.json, so the document cannot drift from
 * what the server accepts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { Scope } from "./access.ts";
import { errorResponse } from "./api-schemas.ts";
import { impliedResponses, type SharedErrorResponse } from "./route-responses.ts";
import { parseInput } from "./validate.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type AuthLevel = "none" | "token" | "admin";

/**
 * The resource a route's `:id` names. The auth hook checks that it belongs to the caller's
 * team before the handler runs; another team's answers the resource's own not-found error.
 */
export type OwnedResource = "sandbox" | "run" | "token" | "session";

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** Default `application/json` when a schema is given. */
  contentType?: string;
  /** Response headers worth documenting, by name. */
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
  /** Other content types the same status may come in (a stream when following), as text. */
  alternatives?: string[];
  /** A response every route gives alike, declared once in /openapi.json (see route-responses.ts). */
  shared?: SharedErrorResponse;
}

/** What the rate limiter answers (src/server/rate-limit.ts), documented on every route it applies to. */
export const RATE_LIMITED_RESPONSE: ResponseDoc = {
  description: "Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry.",
  schema: errorResponse,
  headers: {
    "Retry-After": {
      description: "Seconds until a request is allowed again (at least 1).",
      schema: { type: "integer", minimum: 1 },
    },
  },
};

export interface RouteDoc {
  method: HttpMethod;
  /** Fastify path, `:param` style. */
  url: string;
  summary: string;
  tag: string;
  auth: AuthLevel;
  /** The scope a token needs (every `auth: "token"` route declares one); checked by the auth hook. */
  scope?: Scope;
  /** What `params.id` names, checked to be the caller's team's (see OwnedResource). */
  owns?: OwnedResource;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON body schema, or the content type of a raw body. */
  body?: z.ZodType | { raw: string; description: string };
  responses: Record<number, ResponseDoc>;
  websocket?: boolean;
  /** `exempt`: never rate-limited (probes and scrapes: /healthz, /readyz, /metrics). */
  rateLimit?: "exempt";
}

/** Route-level settings read by the auth hook. */
export interface C8sRouteConfig {
  auth: AuthLevel;
  /** WebSocket routes accept `?access_token=` (browsers cannot set headers on a WebSocket). */
  queryToken?: boolean;
}

export class RouteRegistry {
  readonly routes: RouteDoc[] = [];
  private readonly byKey = new Map<string, RouteDoc>();
  add(doc: RouteDoc): void {
    if (doc.auth === "token" && doc.scope === undefined)
      throw new Error(`route ${doc.method} ${doc.url} needs a token but declares no scope`);
    // What the framework itself answers (edge checks, auth, body parsers, errors) is documented on every route.
    // A declared error without a body schema has the error body: every 4xx/5xx carries it.
    const declared = Object.entries(doc.responses).map(([status, response]): [string, ResponseDoc] =>
      Number(status) >= 400 && response.schema === undefined && response.contentType === undefined
        ? [status, { ...response, schema: errorResponse }]
        : [status, response],
    );
    const limited: Record<number, ResponseDoc> = doc.rateLimit !== "exempt" ? { 429: RATE_LIMITED_RESPONSE } : {};
    const documented = {
      ...doc,
      responses: { ...impliedResponses(doc), ...limited, ...Object.fromEntries(declared) },
    };
    this.routes.push(documented);
    this.byKey.set(`${doc.method} ${doc.url}`, documented);
  }
  /** The methods declared for a concrete path (`/v1/sandboxes/sbx_1`), for 405's `Allow` header. */
  methodsAt(path: string): HttpMethod[] {
    const segments = path.split("/");
    const methods = new Set<HttpMethod>();
    for (const route of this.routes) {
      const pattern = route.url.split("/");
      // A trailing `*` (a session file's path) matches one or more segments.
      const wildcard = pattern[pattern.length - 1] === "*";
      if (wildcard ? segments.length < pattern.length : pattern.length !== segments.length) continue;
      if (
        pattern.every((p, i) =>
          p === "*" ? wildcard : p.startsWith(":") ? (segments[i] ?? "") !== "" : p === segments[i],
        )
      )
        methods.add(route.method);
    }
    return [...methods];
  }
  /** The declaration of a registered route, by method and Fastify pattern. */
  find(method: string, url: string): RouteDoc | undefined {
    return this.byKey.get(`${method} ${url}`);
  }
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<P, Q, B> {
  request: FastifyRequest;
  reply: FastifyReply;
  params: P;
  query: Q;
  body: B;
}

export interface JsonRouteOptions<
  P extends z.ZodObject | undefined,
  Q extends z.ZodObject | undefined,
  B extends z.ZodType | undefined,
> extends Omit<RouteDoc, "params" | "query" | "body"> {
  params?: P;
  query?: Q;
  body?: B;
  /** A raw body (parsed by the scope's content-type parsers) is passed through unvalidated. */
  rawBody?: { contentType: string; description: string };
  bodyLimit?: number;
  handler(ctx: RouteContext<Out<P>, Out<Q>, B extends z.ZodType ? z.output<B> : unknown>): Promise<unknown>;
}

/** Registers a route on `app` and documents it in `registry`. */
export function defineRoute<
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(app: FastifyInstance, registry: RouteRegistry, options: JsonRouteOptions<P, Q, B>): void {
  const { handler, bodyLimit, rawBody, params, query, body, ...doc } = options;
  registry.add({
    ...doc,
    ...(params ? { params } : {}),
    ...(query ? { query } : {}),
    ...(body ? { body } : rawBody ? { body: { raw: rawBody.contentType, description: rawBody.description } } : {}),
  });
  const config: C8sRouteConfig = { auth: doc.auth };
  app.route({
    method: doc.method,
    url: doc.url,
    config,
    ...(bodyLimit === undefined ? {} : { bodyLimit }),
    handler: async (request, reply) => {
      const ctx = {
        request,
        reply,
        params: (params ? parseInput(params, request.params, "params") : undefined) as Out<P>,
        query: (query ? parseInput(query, request.query ?? {}, "query") : undefined) as Out<Q>,
        body: (body ? parseInput(body, request.body ?? {}, "body") : request.body) as B extends z.ZodType
          ? z.output<B>
          : unknown,
      };
      return handler(ctx);
    },
  });
}
