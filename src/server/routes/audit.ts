/** GET /v1/audit: the audit trail, newest first (installation admins; see server/audit.ts). */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../deps.ts";
import { defineRoute } from "../route-registry.ts";

const auditQuery = z.strictObject({
  team: z.string().min(1).max(100).optional().describe("Only this team's entries."),
  before: z.coerce.number().int().min(1).optional().describe("Entries older than this `seq` (the next page)."),
  limit: z.coerce.number().int().min(1).max(1000).optional().describe("At most this many (default 100)."),
});

export const auditEntryResponse = z.object({
  seq: z.number(),
  at: z.string().describe("ISO 8601 timestamp"),
  tokenId: z.string().nullable().describe("The token that made the call; null for a webhook or c8s itself."),
  teamId: z.string().nullable(),
  action: z.string().describe("`METHOD /route/pattern`, or `secret.use` when a run was given a secret."),
  resource: z.string(),
  resourceId: z.string().nullable(),
  status: z.number().nullable().describe("The HTTP status answered (null for a run's own actions)."),
  details: z.record(z.string(), z.unknown()),
});

export async function auditRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  defineRoute(app, deps.registry, {
    method: "GET",
    url: "/v1/audit",
    summary: "Who did what to which resource, newest first: every mutating call and every secret a run was given.",
    tag: "audit",
    auth: "admin",
    query: auditQuery,
    responses: { 200: { description: "Entries.", schema: z.object({ entries: z.array(auditEntryResponse) }) } },
    handler: async ({ query }) => ({
      entries: await deps.store.audit.list({
        ...(query.team === undefined ? {} : { teamId: query.team }),
        ...(query.before === undefined ? {} : { before: query.before }),
        limit: query.limit ?? 100,
      }),
    }),
  });
}
