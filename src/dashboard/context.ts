/**
 * Who is looking at a page and how the dashboard asks the API for data: every read and
 * every mutation goes through the API itself (`app.inject`, with the browser's session
 * cookie), so the team boundary, roles, scopes, rate limits and the audit trail are the
 * API's own — the dashboard decides nothing about permissions but which buttons to show.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Scope } from "../server/access.ts";
import { principalOf, refuseUnusable, type AuthContext } from "../server/auth.ts";
import {
  type BrowserSession,
  type BrowserSessions,
  CSRF_HEADER,
  SESSION_COOKIE,
  cookieValue,
} from "../server/browser-sessions.ts";
import type { Store } from "../store/types.ts";
import type { Assets } from "./assets.ts";
import type { Html } from "./html.ts";

export interface DashboardDeps {
  app: FastifyInstance;
  store: Store;
  sessions: BrowserSessions;
  assets: Assets;
}

export interface Viewer {
  principal: AuthContext;
  session: BrowserSession;
  /** The cookie value, forwarded to the API. */
  cookie: string;
}

/** The signed-in person of a request, or undefined (no, unknown, expired session; token revoked or expired). */
export async function viewerOf(deps: DashboardDeps, request: FastifyRequest): Promise<Viewer | undefined> {
  const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
  const session = deps.sessions.get(cookie);
  if (session === undefined || cookie === undefined) return undefined;
  const record = await deps.store.tokens.get(session.tokenId);
  try {
    refuseUnusable(record, Date.now());
  } catch {
    deps.sessions.revoke(cookie);
    return undefined;
  }
  return { principal: principalOf(record), session, cookie };
}

export function can(viewer: Viewer, scope: Scope): boolean {
  return viewer.principal.scopes.includes(scope);
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  /** The API's error code, when it answered one. */
  code: string | undefined;
}

/** One API call as the signed-in person (mutations carry the session's CSRF token). */
export async function callApi(
  deps: DashboardDeps,
  viewer: Viewer,
  method: "GET" | "POST" | "DELETE",
  url: string,
): Promise<ApiAnswer> {
  const response = await deps.app.inject({
    method,
    url,
    headers: {
      cookie: `${SESSION_COOKIE}=${viewer.cookie}`,
      ...(method === "GET" ? {} : { [CSRF_HEADER]: viewer.session.csrf }),
    },
  });
  let body: unknown = undefined;
  try {
    body = response.body.length > 0 ? JSON.parse(response.body) : undefined;
  } catch {
    body = response.body;
  }
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return { status: response.statusCode, body, code: typeof code === "string" ? code : undefined };
}

/** Security headers of every dashboard page: no framing, scripts only from c8s, no referrer leaks. */
export function sendHtml(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply
    .status(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .header(
      "content-security-policy",
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
    )
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "same-origin")
    .send(page.value);
}
