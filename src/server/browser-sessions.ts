/**
 * Browser sessions of the dashboard (src/dashboard): a person pastes a token once; the server
 * keeps a random session id (only its sha256, in memory: a restart signs everyone out) mapped
 * to that token's id, and the browser holds the id in an HttpOnly, SameSite=Strict cookie.
 * The token record is read again on every request, so revoking or expiring the token ends
 * its sessions at once. The auth hook accepts a session for the API (`/v1`) only where a
 * browser cannot be made to send it by another site: safe methods (GET/HEAD), WebSocket
 * upgrades whose Origin is this server, and other methods carrying the session's CSRF token.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { C8sError } from "../errors/index.ts";

export const SESSION_COOKIE = "c8s_session";
/** The header (htmx mutations, the dashboard's own calls) that carries the session's CSRF token. */
export const CSRF_HEADER = "x-c8s-csrf";
/** A session lasts this long from sign-in, whatever its use. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 10_000;

export interface BrowserSession {
  /** The token the person signed in with (its record is checked on every request). */
  tokenId: string;
  /** The synchronizer token every mutation must carry. */
  csrf: string;
  expiresAt: number;
}

function digest(id: string): string {
  return createHash("sha256").update(id, "utf8").digest("hex");
}

/** Constant-time equality of two strings (false when their lengths differ). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

/** One cookie's value from a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether the request's Origin header names this server (scheme, host and port as it was reached). */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  const host = request.headers.host;
  if (typeof origin !== "string" || typeof host !== "string") return false;
  return origin === `${request.protocol}://${host}`;
}

export class BrowserSessions {
  private readonly sessions = new Map<string, BrowserSession>();
  constructor(private readonly now: () => number = Date.now) {}

  /** A new session for `tokenId`: the cookie value (shown to the browser only) and the session. */
  create(tokenId: string): { id: string; session: BrowserSession } {
    this.sweep();
    while (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString("base64url");
    const session = { tokenId, csrf: randomBytes(32).toString("base64url"), expiresAt: this.now() + SESSION_TTL_MS };
    this.sessions.set(digest(id), session);
    return { id, session };
  }

  /** The live session a cookie value names, or undefined. */
  get(id: string | undefined): BrowserSession | undefined {
    if (id === undefined || id.length === 0 || id.length > 200) return undefined;
    const key = digest(id);
    const session = this.sessions.get(key);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    return session;
  }

  /** The session of a request's cookie, or undefined. */
  ofRequest(request: FastifyRequest): BrowserSession | undefined {
    return this.get(cookieValue(request.headers.cookie, SESSION_COOKIE));
  }

  /** Forgets expired sessions (on every sign-in: the map never holds more than it must). */
  private sweep(): void {
    const at = this.now();
    for (const [key, session] of this.sessions) if (session.expiresAt <= at) this.sessions.delete(key);
  }

  revoke(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(digest(id));
  }

  /**
   * The session of an API request that presents no bearer token, or undefined when it has
   * none; throws PERMISSION_DENIED when the session is used where another site could have
   * made the browser send it (a mutation without the CSRF token, a cross-origin WebSocket).
   */
  forApi(request: FastifyRequest): BrowserSession | undefined {
    const session = this.ofRequest(request);
    if (session === undefined) return undefined;
    const safe = request.method === "GET" || request.method === "HEAD";
    if (safe && request.headers.upgrade !== undefined && !sameOrigin(request))
      throw new C8sError(
        "PERMISSION_DENIED",
        "a WebSocket signed in by a dashboard session must come from the dashboard",
        {
          details: { reason: "origin" },
          hint: "Open the terminal from this server's own pages, or send 'Authorization: Bearer <token>'.",
        },
      );
    if (!safe && !checkCsrf(session, request.headers[CSRF_HEADER])) throw csrfRefused();
    return session;
  }
}

export function checkCsrf(session: BrowserSession, presented: unknown): boolean {
  const value = Array.isArray(presented) ? presented[0] : presented;
  return typeof value === "string" && sameSecret(value, session.csrf);
}

export function csrfRefused(): C8sError {
  return new C8sError("PERMISSION_DENIED", "this request needs the dashboard session's CSRF token", {
    details: { reason: "csrf" },
    hint: "Reload the page and try again; mutations from a dashboard session carry its CSRF token.",
  });
}
