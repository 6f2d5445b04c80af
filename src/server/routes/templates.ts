/**
 * /v1/templates: a team's named sandbox presets with an optional warm pool (docs/pools.md).
 * Always in the caller's team — another team's template is TEMPLATE_NOT_FOUND, exactly as a
 * missing one (an installation admin's list shows every team's). Saving checks the spec with
 * the caller's privileges (ceilings, host network) and tells the engine, whose pool follows.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { C8sError } from "../../errors/index.ts";
import { newId, planSandbox, templateNameSchema, templatePoolSchema, templateSpecSchema } from "../../engine/index.ts";
import { DEFAULT_TEAM, type TemplateRecord } from "../../store/index.ts";
import { isAdmin, teamFilter, type Principal } from "../access.ts";
import { errorResponse } from "../api-schemas.ts";
import type { RouteDeps } from "../deps.ts";
import { defineRoute } from "../route-registry.ts";

const TAG = "templates";
const templateBody = z.strictObject({ ...templateSpecSchema.shape, pool: templatePoolSchema.optional() });
const createBody = z.strictObject({ name: templateNameSchema, ...templateBody.shape });
const nameParams = z.strictObject({ name: templateNameSchema });
export const templateResponse = z.object({
  name: z.string(),
  team: z.string(),
  spec: templateSpecSchema,
  pool: z.object({ min: z.number(), max: z.number() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function toPublicTemplate(record: TemplateRecord): z.infer<typeof templateResponse> {
  return {
    name: record.name,
    team: record.teamId,
    spec: record.spec,
    pool: record.pool,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function notFound(name: string): C8sError {
  return new C8sError("TEMPLATE_NOT_FOUND", `no template '${name}'`, {
    details: { template: name },
    hint: "List your team's templates with `c8s template ls` (GET /v1/templates).",
  });
}

export async function templateRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { engine, store, registry, config } = deps;
  const teamOf = (auth: Principal | null | undefined): string => auth?.teamId ?? DEFAULT_TEAM;

  /** Validates the spec as a create request of this caller would be, then stores it and tells the engine. */
  async function save(
    auth: Principal | null | undefined,
    name: string,
    body: z.infer<typeof templateBody>,
    mustExist: boolean,
  ) {
    const { pool, ...spec } = body;
    const teamId = teamOf(auth);
    const now = Date.now();
    planSandbox(spec, {
      id: "template-check",
      owner: "template-check",
      runtime: "local",
      nowMs: now,
      defaults: config.defaults,
      policy: { maxima: config.maxima, hostNetwork: config.hostNetwork },
      caller: { admin: isAdmin(auth), teamId },
    });
    const iso = new Date(now).toISOString();
    const existing = await store.templates.get(teamId, name);
    if (existing === null && mustExist) throw notFound(name);
    const record = await store.templates.put({
      id: existing?.id ?? newId("tpl", now),
      teamId,
      name,
      spec,
      pool: pool ?? { min: 0, max: 0 },
      createdAt: existing?.createdAt ?? iso,
      updatedAt: iso,
    });
    engine.pools?.set(record);
    return record;
  }

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/templates",
    summary:
      "Create (or replace) a template of the caller's team: create-sandbox fields and an optional warm pool {min, max}.",
    tag: TAG,
    auth: "token",
    scope: "templates:write",
    body: createBody,
    bodyLimit: deps.limits.jsonBytes,
    responses: {
      201: { description: "The stored template.", schema: templateResponse },
      400: { description: "Invalid request.", schema: errorResponse },
      403: { description: 'network "host" asked by a caller the host-network policy refuses.', schema: errorResponse },
      422: { description: "A limit or lifetime over the installation's ceiling.", schema: errorResponse },
    },
    handler: async ({ body, reply, request }) => {
      const { name, ...rest } = body;
      const record = await save(request.auth, name, rest, false);
      return reply.status(201).send(toPublicTemplate(record));
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/templates",
    summary: "The team's templates (an installation admin sees every team's).",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:read",
    responses: { 200: { description: "Templates.", schema: z.object({ templates: z.array(templateResponse) }) } },
    handler: async ({ request }) => ({
      templates: (await store.templates.list(teamFilter(request.auth))).map(toPublicTemplate),
    }),
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/templates/:name",
    summary: "One of the team's templates.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:read",
    params: nameParams,
    responses: {
      200: { description: "The template.", schema: templateResponse },
      404: { description: "No such template in the caller's team.", schema: errorResponse },
    },
    handler: async ({ params, request }) => {
      const record = await store.templates.get(teamOf(request.auth), params.name);
      if (record === null) throw notFound(params.name);
      return toPublicTemplate(record);
    },
  });

  defineRoute(app, registry, {
    method: "PUT",
    url: "/v1/templates/:name",
    summary:
      "Replace one of the team's templates (create one with POST); a changed spec replaces its pool's unclaimed sandboxes.",
    tag: TAG,
    auth: "token",
    scope: "templates:write",
    params: nameParams,
    body: templateBody,
    bodyLimit: deps.limits.jsonBytes,
    responses: {
      200: { description: "The stored template.", schema: templateResponse },
      404: { description: "No such template in the caller's team.", schema: errorResponse },
      400: { description: "Invalid request.", schema: errorResponse },
      403: { description: 'network "host" asked by a caller the host-network policy refuses.', schema: errorResponse },
      422: { description: "A limit or lifetime over the installation's ceiling.", schema: errorResponse },
    },
    handler: async ({ params, body, request }) => {
      return toPublicTemplate(await save(request.auth, params.name, body, true));
    },
  });

  defineRoute(app, registry, {
    method: "DELETE",
    url: "/v1/templates/:name",
    summary: "Delete one of the team's templates; its pool's unclaimed sandboxes are destroyed.",
    tag: TAG,
    auth: "token",
    scope: "templates:write",
    params: nameParams,
    responses: {
      204: { description: "Deleted." },
      404: { description: "No such template in the caller's team.", schema: errorResponse },
    },
    handler: async ({ params, reply, request }) => {
      const removed = await store.templates.delete(teamOf(request.auth), params.name);
      if (removed === null) throw notFound(params.name);
      engine.pools?.remove(removed.id);
      return reply.status(204).send();
    },
  });
}
