/**
 * Bearer-token authentication. Tokens are random, shown once, and stored only as a sha256
 * hash; a request is authenticated by hashing what it presents and looking the hash up.
 */
import { createHash, randomBytes } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { C8sError } from "../errors/index.ts";
import { DEFAULT_TEAM, type Store, type TokenRecord, type TokenRole } from "../store/types.ts";
import { effectiveScopes, type Principal, requireScope } from "./access.ts";
import type { BrowserSessions } from "./browser-sessions.ts";
import type { C8sRouteConfig, RouteDoc } from "./route-registry.ts";

export const TOKEN_PREFIX = "c8s_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function newTokenId(): string {
  return `tok_${randomBytes(9).toString("base64url")}`;
}

export interface NewToken {
  name: string;
  teamId?: string;
  role: TokenRole;
  /** Narrower scopes than the role's; empty or absent: the role's own. */
  scopes?: string[];
  /** Milliseconds from `now` until it is refused; absent: never. */
  expiresInMs?: number;
}

/** Creates a token record and returns it with the one-time plaintext token. */
export async function createToken(
  store: Store,
  spec: NewToken,
  now: Date = new Date(),
): Promise<{ record: TokenRecord; token: string }> {
  const token = generateToken();
  const record: TokenRecord = {
    id: newTokenId(),
    name: spec.name,
    hash: hashToken(token),
    teamId: spec.teamId ?? DEFAULT_TEAM,
    role: spec.role,
    scopes: spec.scopes ?? [],
    createdAt: now.toISOString(),
    lastUsedAt: null,
    revokedAt: null,
    expiresAt: spec.expiresInMs === undefined ? null : new Date(now.getTime() + spec.expiresInMs).toISOString(),
  };
  await store.tokens.insert(record);
  return { record, token };
}

/**
 * On first start (no token exists) creates the admin token (role `admin`, team `default`)
 * and returns it — the only time it is ever available in clear. Returns null when tokens
 * already exist.
 */
export async function ensureAdminToken(store: Store): Promise<string | null> {
  if ((await store.tokens.count()) > 0) return null;
  const { token } = await createToken(store, { name: "admin", role: "admin" });
  return token;
}

/** Who is calling: the token, its team, role and effective scopes. */
export type AuthContext = Principal;

declare module "fastify" {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

/** The token a request presents: the Authorization header, or `?access_token=` where allowed. */
export function presentedToken(request: FastifyRequest, allowQuery: boolean): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === "string" && header.length > 0) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new C8sError("UNAUTHENTICATED", "the Authorization header is not of the form 'Bearer <token>'", {
        hint: "Send 'Authorization: Bearer <token>'; the admin token is in $C8S_HOME/credentials.json.",
      });
    }
    return match[1];
  }
  if (allowQuery) {
    const query = request.query as Record<string, unknown> | undefined;
    const value = query?.["access_token"];
    if (typeof value === "string" && value.length > 0) return value;
  }
  return undefined;
}

const MARK_USED_EVERY_MS = 60_000;

/** What the auth hook needs: the store, the declared routes, and the team check of `:id` parameters. */
export interface AuthHookOptions {
  store: Store;
  /** The route declaration of a request (scope, owned resource), by method and route pattern. */
  routeOf(method: string, url: string): RouteDoc | undefined;
  /** Throws the resource's own not-found error when it is not in `teamId` (see tenancy.ts). */
  checkOwned(route: RouteDoc, params: unknown, teamId: string): Promise<void>;
  /** The dashboard's sessions: a request with no bearer token may present one (see browser-sessions.ts). */
  sessions?: BrowserSessions;
  now?: () => number;
}

/** What a token record may do, as the auth hook and the dashboard see it. */
export function principalOf(record: TokenRecord): Principal {
  return {
    tokenId: record.id,
    name: record.name,
    teamId: record.teamId,
    role: record.role,
    scopes: effectiveScopes(record.role, record.scopes),
  };
}

/**
 * Builds the onRequest hook that authenticates every `/v1` request, then checks in one place
 * what the route declares: the scope it needs and, for a route about one resource, that the
 * resource is the caller's team's (another team's is the same 404 as a missing one).
 */
export function createAuthHook(options: AuthHookOptions) {
  const { store } = options;
  const now = options.now ?? Date.now;
  const lastMarked = new Map<string, number>();
  return async function authenticate(request: FastifyRequest): Promise<void> {
    request.auth = null;
    const config = request.routeOptions.config as Partial<C8sRouteConfig> | undefined;
    const path = request.url.split("?", 1)[0] ?? "";
    const underV1 = path === "/v1" || path.startsWith("/v1/");
    const level = config?.auth ?? (underV1 ? "token" : "none");
    if (level === "none") return;
    const token = presentedToken(request, config?.queryToken === true);
    const session = token === undefined ? options.sessions?.forApi(request) : undefined;
    if (token === undefined && session === undefined) {
      throw new C8sError("UNAUTHENTICATED", "this request needs a token and none was sent", {
        hint: "Send 'Authorization: Bearer <token>'. On the server's machine the admin token is in $C8S_HOME/credentials.json (written by `c8s serve`).",
      });
    }
    const record =
      token !== undefined
        ? await store.tokens.findByHash(hashToken(token))
        : session !== undefined
          ? await store.tokens.get(session.tokenId)
          : null;
    const at = now();
    refuseUnusable(record, at);
    const principal = principalOf(record);
    if (level === "admin" && record.role !== "admin") {
      throw new C8sError(
        "PERMISSION_DENIED",
        `token '${record.name}' is not an installation admin's, as this request needs`,
        {
          details: { role: record.role, required: "admin" },
          hint: "Use an admin token.",
        },
      );
    }
    request.auth = principal;
    if (request.routeOptions.url !== undefined) {
      // HEAD runs its GET's handler (Fastify adds it), so it gets its GET's checks.
      const method = request.method === "HEAD" ? "GET" : request.method;
      const route = options.routeOf(method, request.routeOptions.url);
      // Fail closed: an authenticated route that is not declared has no scope to check.
      if (route === undefined)
        throw new C8sError("PERMISSION_DENIED", `${request.method} ${request.routeOptions.url} declares no scope`, {
          hint: "This is a c8s bug: every route is declared in the route registry (src/server/route-registry.ts).",
        });
      if (route.scope !== undefined) requireScope(principal, route.scope);
      if (route.owns !== undefined && record.role !== "admin")
        await options.checkOwned(route, request.params, record.teamId);
    }
    if ((lastMarked.get(record.id) ?? 0) + MARK_USED_EVERY_MS <= at) {
      lastMarked.set(record.id, at);
      await store.tokens.markUsed(record.id, new Date(at).toISOString());
    }
  };
}

/** UNAUTHENTICATED for an unknown, revoked or expired token. */
export function refuseUnusable(record: TokenRecord | null, at: number): asserts record is TokenRecord {
  const hint =
    "Use a current token: check C8S_TOKEN or $C8S_HOME/credentials.json, or ask a team owner or admin for a new one (c8s token create).";
  if (record === null) throw new C8sError("UNAUTHENTICATED", "the token is not valid", { hint });
  if (record.revokedAt !== null) throw new C8sError("UNAUTHENTICATED", "the token has been revoked", { hint });
  if (record.expiresAt !== null && Date.parse(record.expiresAt) <= at)
    throw new C8sError("UNAUTHENTICATED", `the token '${record.name}' expired at ${record.expiresAt}`, {
      details: { expiredAt: record.expiresAt },
      hint,
    });
}
