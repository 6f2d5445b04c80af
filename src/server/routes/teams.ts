/**
 * /v1/teams (installation admins): create a team, list them, read one with what it uses, and
 * set its quotas (a null quota falls back to the installation's default, C8S_TEAM_MAX_*).
 */
import type { FastifyInstance } from "fastify";
import { ACTIVE_STATES } from "../../engine/state-machine.ts";
import { effectiveQuotas, usageOf } from "../../engine/team-quotas.ts";
import { C8sError } from "../../errors/index.ts";
import type { TeamRecord } from "../../store/types.ts";
import {
  createTeamBody,
  errorResponse,
  teamDetailsResponse,
  teamListResponse,
  teamParams,
  teamResponse,
  updateTeamBody,
} from "../api-schemas.ts";
import type { RouteDeps } from "../deps.ts";
import { defineRoute } from "../route-registry.ts";

const TAG = "teams";

function teamNotFound(id: string): C8sError {
  return new C8sError("TEAM_NOT_FOUND", `no team '${id}'`, {
    details: { team: id },
    hint: "List teams with c8s team ls (GET /v1/teams).",
  });
}

export async function teamRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, registry, config } = deps;
  const toPublicTeam = (team: TeamRecord) => ({
    ...team,
    effectiveQuotas: effectiveQuotas(team.quotas, config.teamQuotas),
  });

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/teams",
    summary: "Create a team, optionally with its quotas (installation admins).",
    tag: TAG,
    auth: "admin",
    body: createTeamBody,
    bodyLimit: deps.limits.jsonBytes,
    responses: {
      201: { description: "The new team.", schema: teamResponse },
      400: { description: "Invalid request.", schema: errorResponse },
      403: { description: "Not an admin token.", schema: errorResponse },
      409: { description: "The name is taken.", schema: errorResponse },
    },
    handler: async ({ body, reply }) => {
      if ((await store.teams.get(body.name)) !== null)
        throw new C8sError("CONFLICT", `a team '${body.name}' already exists`, {
          details: { team: body.name },
          hint: "Choose another name, or use the existing team (c8s team ls).",
        });
      await store.teams.insert({
        id: body.name,
        name: body.name,
        createdAt: new Date().toISOString(),
        ...(body.quotas === undefined ? {} : { quotas: body.quotas }),
      });
      const team = await store.teams.get(body.name);
      if (team === null) throw teamNotFound(body.name);
      return reply.status(201).send(toPublicTeam(team));
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/teams",
    summary: "List teams with their quotas (installation admins).",
    tag: TAG,
    auth: "admin",
    responses: {
      200: { description: "Teams.", schema: teamListResponse },
      403: { description: "Not an admin token.", schema: errorResponse },
    },
    handler: async () => ({ teams: (await store.teams.list()).map(toPublicTeam) }),
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/teams/:id",
    summary: "A team, its quotas and what it uses now (installation admins).",
    tag: TAG,
    auth: "admin",
    params: teamParams,
    responses: {
      200: { description: "The team.", schema: teamDetailsResponse },
      403: { description: "Not an admin token.", schema: errorResponse },
      404: { description: "No such team (TEAM_NOT_FOUND).", schema: errorResponse },
    },
    handler: async ({ params }) => {
      const team = await store.teams.get(params.id);
      if (team === null) throw teamNotFound(params.id);
      const [active, runs, storedBytes] = await Promise.all([
        store.sandboxes.list({ teamId: team.id, state: [...ACTIVE_STATES] }),
        store.runs.list({ teamId: team.id, state: "running" }),
        store.runs.storedBytes(team.id),
      ]);
      return { ...toPublicTeam(team), usage: { ...usageOf(active), runs: runs.length, storedBytes } };
    },
  });

  defineRoute(app, registry, {
    method: "PATCH",
    url: "/v1/teams/:id",
    summary: "Set a team's quotas: the ones named change, null returns one to the default (installation admins).",
    tag: TAG,
    auth: "admin",
    params: teamParams,
    body: updateTeamBody,
    bodyLimit: deps.limits.jsonBytes,
    responses: {
      200: { description: "The team.", schema: teamResponse },
      400: { description: "Invalid request.", schema: errorResponse },
      403: { description: "Not an admin token.", schema: errorResponse },
      404: { description: "No such team (TEAM_NOT_FOUND).", schema: errorResponse },
    },
    handler: async ({ params, body }) => {
      const team = await store.teams.updateQuotas(params.id, body.quotas);
      if (team === null) throw teamNotFound(params.id);
      return toPublicTeam(team);
    },
  });
}
