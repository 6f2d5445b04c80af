/**
 * The audit trail of the API: every mutating call (POST, PUT, PATCH, DELETE under /v1) is recorded
 * after it is answered — who (token, team), the route, the resource id, the status — denied
 * and failed attempts too. Only the route pattern, path ids and the created resource's id are
 * kept: never a body, a query string (it may hold `access_token`) or a secret's value.
 */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from "fastify";
import type { AuditEntry, Store } from "../store/index.ts";

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Path parameters that name the resource acted on, most specific last. */
const ID_PARAMS = ["id", "name", "execId", "step"] as const;

/** `sandboxes` → `sandbox`, `webhooks` → `webhook`: the collection a /v1 route is under. */
export function resourceOf(route: string): string {
  const collection = route.split("/")[2] ?? "";
  return collection.endsWith("s") ? collection.slice(0, -1) : collection || "api";
}

export interface AuditedCall {
  method: string;
  /** The route pattern (`/v1/sandboxes/:id`), never the URL. */
  route: string;
  params: Record<string, unknown>;
  status: number;
  tokenId: string | null;
  teamId: string | null;
  /** The id (or name) a create answered with, when the call created something. */
  createdId: string | null;
  at: string;
}

/** The entry for one answered call, or null when it is not audited (pure). */
export function auditEntryFor(call: AuditedCall): Omit<AuditEntry, "seq"> | null {
  if (!MUTATING.has(call.method) || !call.route.startsWith("/v1/")) return null;
  const ids: Record<string, string> = {};
  for (const key of ID_PARAMS) {
    const value = call.params[key];
    if (typeof value === "string" && value.length > 0) ids[key] = value.slice(0, 200);
  }
  return {
    at: call.at,
    tokenId: call.tokenId,
    teamId: call.teamId,
    action: `${call.method} ${call.route}`,
    resource: resourceOf(call.route),
    resourceId: ids["id"] ?? ids["name"] ?? call.createdId,
    status: call.status,
    details: { ...ids, ...(call.createdId === null ? {} : { created: call.createdId }) },
  };
}

/** The `id` (or `name`) of a small JSON answer to a create. */
export function createdIdOf(status: number, payload: unknown): string | null {
  if (status !== 201 || typeof payload !== "string" || payload.length > 65_536) return null;
  try {
    const body = JSON.parse(payload) as { id?: unknown; name?: unknown };
    const id = typeof body.id === "string" ? body.id : typeof body.name === "string" ? body.name : null;
    return id?.slice(0, 200) ?? null;
  } catch {
    return null;
  }
}

declare module "fastify" {
  interface FastifyRequest {
    auditCreatedId?: string | null;
  }
}

/** The hooks that record the trail; a failed write is logged, never fails the request. */
export function createAuditHooks(store: Store, log: FastifyBaseLogger) {
  return {
    async onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
      if (MUTATING.has(request.method)) request.auditCreatedId = createdIdOf(reply.statusCode, payload);
      return payload;
    },
    async onResponse(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const auth = request.auth;
      const entry = auditEntryFor({
        method: request.method,
        route: request.routeOptions.url ?? "",
        params: (request.params ?? {}) as Record<string, unknown>,
        status: reply.statusCode,
        tokenId: auth?.tokenId ?? null,
        teamId: auth?.teamId ?? null,
        createdId: request.auditCreatedId ?? null,
        at: new Date().toISOString(),
      });
      if (entry === null) return;
      await store.audit.append(entry).catch((error: unknown) => {
        log.error({ error: String(error), action: entry.action }, "audit write failed");
      });
    },
  };
}
