/**
 * Bearer-token authentication. Tokens are random, shown once, and stored only as a sha256
 * hash; a request is authenticated by hashing what it presents and looking the hash up.
 */
import { createHash, randomBytes } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { C8sError } from "../errors/index.ts";
import type { Store, TokenRecord } from "../store/types.ts";
import type { C8sRouteConfig } from "./route-registry.ts";

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

/** Creates a token record and returns it with the one-time plaintext token. */
export async function createToken(
  store: Store,
  name: string,
  scopes: string[],
  now: Date = new Date(),
): Promise<{ record: TokenRecord; token: string }> {
  const token = generateToken();
  const record: TokenRecord = {
    id: newTokenId(),
    name,
    hash: hashToken(token),
    scopes,
    createdAt: now.toISOString(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await store.tokens.insert(record);
  return { record, token };
}

/**
 * On first start (no token exists) creates the admin token and returns it — the only time
 * it is ever available in clear. Returns null when tokens already exist.
 */
export async function ensureAdminToken(store: Store): Promise<string | null> {
  if ((await store.tokens.count()) > 0) return null;
  const { token } = await createToken(store, "admin", ["admin"]);
  return token;
}

export interface AuthContext {
  tokenId: string;
  name: string;
  scopes: string[];
}

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

/** Builds the onRequest hook that authenticates every `/v1` request. */
export function createAuthHook(store: Store, now: () => number = Date.now) {
  const lastMarked = new Map<string, number>();
  return async function authenticate(request: FastifyRequest): Promise<void> {
    request.auth = null;
    const config = request.routeOptions.config as Partial<C8sRouteConfig> | undefined;
    const path = request.url.split("?", 1)[0] ?? "";
    const underV1 = path === "/v1" || path.startsWith("/v1/");
    const level = config?.auth ?? (underV1 ? "token" : "none");
    if (level === "none") return;
    const token = presentedToken(request, config?.queryToken === true);
    if (token === undefined) {
      throw new C8sError("UNAUTHENTICATED", "this request needs a token and none was sent", {
        hint: "Send 'Authorization: Bearer <token>'. On the server's machine the admin token is in $C8S_HOME/credentials.json (written by `c8s serve`).",
      });
    }
    const record = await store.tokens.findByHash(hashToken(token));
    if (record === null || record.revokedAt !== null) {
      throw new C8sError("UNAUTHENTICATED", record === null ? "the token is not valid" : "the token has been revoked", {
        hint: "Use a current token: check C8S_TOKEN or $C8S_HOME/credentials.json, or ask an admin for a new one (POST /v1/tokens).",
      });
    }
    if (level === "admin" && !record.scopes.includes("admin")) {
      throw new C8sError("PERMISSION_DENIED", `token '${record.name}' lacks the admin scope this request needs`, {
        details: { scopes: record.scopes, required: "admin" },
        hint: "Use an admin token.",
      });
    }
    request.auth = { tokenId: record.id, name: record.name, scopes: record.scopes };
    const at = now();
    if ((lastMarked.get(record.id) ?? 0) + MARK_USED_EVERY_MS <= at) {
      lastMarked.set(record.id, at);
      await store.tokens.markUsed(record.id, new Date(at).toISOString());
    }
  };
}
