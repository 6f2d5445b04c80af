/**
 * GET /v1/audit: the audit trail (see server/audit.ts). A team owner reads its own team's
 * entries (`audit:read`); an installation admin every team's, or one with `?team=`.
 * Newest first by default; page with `before` (newest first) or `after` (oldest first).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { teamFilter } from "../access.ts";
import type { RouteDeps } from "../deps.ts";
import { defineRoute } from "../route-registry.ts";

const seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** An ISO 8601 time with any offset, passed on in UTC (the database refuses offsets beyond ±15:59). */
const isoTime = z.iso.datetime({ offset: true }).transform((text, ctx) => {
  const at = new Date(text);
  const year = at.getUTCFullYear();
  if (Number.isNaN(at.getTime()) || year < 1 || year > 9999) {
    ctx.addIssue({ code: "custom", message: `'${text}' is not a time between the years 1 and 9999` });
    return z.NEVER;
  }
  return at.toISOString();
});

export const auditQuery = z.strictObject({
  team: z.string().min(1).max(100).optional().describe("Installation admins: only this team's entries."),
  action: z
    .string()
    .min(1)
    .max(300)
    .optional()
    .describe(
      "Only this action (`secret.use`, `DELETE /v1/sandboxes/:id`); a trailing `*` matches a prefix (`DELETE *`).",
    ),
  resource: z.string().min(1).max(100).optional().describe("Only this kind of resource (`sandbox`, `secret`, …)."),
  resourceId: z.string().min(1).max(200).optional().describe("Only entries about this resource id or name."),
  token: z.string().min(1).max(100).optional().describe("Only calls made with this token id."),
  since: isoTime.optional().describe("Entries at or after this ISO 8601 time."),
  until: isoTime.optional().describe("Entries before this ISO 8601 time."),
  before: seq.optional().describe("Entries older than this `seq` (the next page, newest first)."),
  after: seq.optional().describe("Entries newer than this `seq` (the next page, oldest first)."),
  order: z.enum(["newest", "oldest"]).optional().describe("`newest` first (default) or `oldest` first."),
  limit: z.coerce.number().int().min(1).max(1000).optional().describe("At most this many (default 100)."),
});

export const auditEntryResponse = z.object({
  seq: z.number(),
  at: z.string().describe("ISO 8601 timestamp"),
  tokenId: z.string().nullable().describe("The token that made the call; null for a webhook or c8s itself."),
  teamId: z.string().nullable().describe("The calling token's team (a run's team for `secret.use`)."),
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
    summary:
      "Who did what to which resource, newest first: every mutating call and every secret a run was given. A team owner sees its own team's; an admin every team's.",
    tag: "audit",
    auth: "token",
    scope: "audit:read",
    query: auditQuery,
    responses: { 200: { description: "Entries.", schema: z.object({ entries: z.array(auditEntryResponse) }) } },
    handler: async ({ query, request }) => {
      // A team owner's own team always (a `team` it names is ignored, as on GET /v1/runs).
      const { team, token, ...filter } = query;
      const teamId = teamFilter(request.auth) ?? team;
      return {
        entries: await deps.store.audit.list({
          ...withoutUndefined(filter),
          ...(teamId === undefined ? {} : { teamId }),
          ...(token === undefined ? {} : { tokenId: token }),
          limit: query.limit ?? 100,
        }),
      };
    },
  });
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
