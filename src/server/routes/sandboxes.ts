/** /v1/sandboxes: create, list, get, destroy. */
import type { FastifyInstance } from "fastify";
import {
  createSandboxBody,
  errorResponse,
  listSandboxesQuery,
  sandboxListResponse,
  sandboxParams,
  sandboxResponse,
} from "../api-schemas.ts";
import { isAdmin, teamFilter } from "../access.ts";
import type { RouteDeps } from "../deps.ts";
import { defineRoute } from "../route-registry.ts";
import { toPublicSandbox } from "../serialize.ts";

const TAG = "sandboxes";

export async function sandboxRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { engine, registry } = deps;

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/sandboxes",
    summary: "Create a sandbox; returns when it is running.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:write",
    body: createSandboxBody,
    bodyLimit: deps.limits.jsonBytes,
    responses: {
      201: { description: "The running sandbox.", schema: sandboxResponse },
      400: { description: "Invalid request.", schema: errorResponse },
      403: { description: 'network "host" asked by a caller the host-network policy refuses.', schema: errorResponse },
      404: { description: "No such image (IMAGE_NOT_FOUND).", schema: errorResponse },
      422: {
        description: "A limit or lifetime over the installation's ceiling (LIMIT_EXCEEDED).",
        schema: errorResponse,
      },
    },
    handler: async ({ body, reply, request }) => {
      // Admins are tokens with the role `admin` (see access.ts); the engine applies the host-network policy.
      const record = await engine.create(body, {
        admin: isAdmin(request.auth),
        ...(request.auth ? { teamId: request.auth.teamId } : {}),
      });
      return reply.status(201).send(toPublicSandbox(record));
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/sandboxes",
    summary: "List sandboxes, newest first.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:read",
    query: listSandboxesQuery,
    responses: { 200: { description: "Matching sandboxes.", schema: sandboxListResponse } },
    handler: async ({ query, request }) => {
      // Everyone sees their own team's; an admin every team's, or one with ?team=.
      const teamId = teamFilter(request.auth) ?? query.team;
      const labels = query.label === undefined ? undefined : Object.fromEntries(query.label.map(splitLabel));
      const records = await engine.list({
        ...(query.state ? { state: query.state } : {}),
        ...(labels ? { labels } : {}),
        ...(query.purpose ? { purpose: query.purpose } : {}),
        ...(query.run ? { runId: query.run } : {}),
        ...(teamId === undefined ? {} : { teamId }),
        ...(query.limit ? { limit: query.limit } : {}),
      });
      return { sandboxes: records.map(toPublicSandbox) };
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/sandboxes/:id",
    summary: "Get one sandbox.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:read",
    owns: "sandbox",
    params: sandboxParams,
    responses: {
      200: { description: "The sandbox.", schema: sandboxResponse },
      404: { description: "No such sandbox.", schema: errorResponse },
    },
    handler: async ({ params }) => toPublicSandbox(await engine.get(params.id)),
  });

  defineRoute(app, registry, {
    method: "DELETE",
    url: "/v1/sandboxes/:id",
    summary: "Destroy a sandbox (reason `killed`); idempotent.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:write",
    owns: "sandbox",
    params: sandboxParams,
    responses: {
      200: { description: "The terminated sandbox.", schema: sandboxResponse },
      404: { description: "No such sandbox.", schema: errorResponse },
    },
    handler: async ({ params }) => toPublicSandbox(await engine.destroy(params.id)),
  });
}

function splitLabel(pair: string): [string, string] {
  const at = pair.indexOf("=");
  return [pair.slice(0, at), pair.slice(at + 1)];
}
