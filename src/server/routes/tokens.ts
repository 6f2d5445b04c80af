/**
 * /v1/tokens: create (shown once, stored hashed), list, revoke — a team owner for its own
 * team (a role no higher than its own), an installation admin for any. Teams: teams.ts.
 */
import type { FastifyInstance } from "fastify";
import { C8sError } from "../../errors/index.ts";
import type { TokenRole } from "../../store/types.ts";
import { checkGrant, isAdmin, parseDuration, roleOfLegacyScopes, teamFilter, type Principal } from "../access.ts";
import {
  createTokenBody,
  createdTokenResponse,
  errorResponse,
  LEGACY_SCOPES,
  tokenListResponse,
  tokenParams,
} from "../api-schemas.ts";
import { createToken } from "../auth.ts";
import type { RouteDeps } from "../deps.ts";
import { defineRoute } from "../route-registry.ts";
import { toPublicToken } from "../serialize.ts";
import { tokenNotFound } from "../tenancy.ts";

const TAG = "tokens";

function caller(auth: Principal | null): Principal {
  if (auth === null) throw new C8sError("UNAUTHENTICATED", "this request needs a token and none was sent");
  return auth;
}

export async function tokenRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, registry } = deps;

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/tokens",
    summary: "Create an API token in a team with a role; the token is in this response only.",
    tag: TAG,
    auth: "token",
    scope: "tokens:write",
    body: createTokenBody,
    bodyLimit: deps.limits.jsonBytes,
    responses: {
      201: { description: "The new token.", schema: createdTokenResponse },
      400: { description: "Invalid request.", schema: errorResponse },
      403: { description: "A role or team the caller may not grant.", schema: errorResponse },
      404: { description: "No such team (TEAM_NOT_FOUND).", schema: errorResponse },
    },
    handler: async ({ body, reply, request }) => {
      const granter = caller(request.auth);
      const legacy = body.scopes?.filter((s): s is (typeof LEGACY_SCOPES)[number] =>
        (LEGACY_SCOPES as readonly string[]).includes(s),
      );
      const role: TokenRole = body.role ?? roleOfLegacyScopes(legacy ?? []) ?? "member";
      const scopes = (body.scopes ?? []).filter((s) => !(LEGACY_SCOPES as readonly string[]).includes(s));
      const teamId = body.team ?? granter.teamId;
      if (isAdmin(granter) && (await store.teams.get(teamId)) === null)
        throw new C8sError("TEAM_NOT_FOUND", `no team '${teamId}'`, {
          details: { team: teamId },
          hint: "Create it first: c8s team create NAME (POST /v1/teams).",
        });
      checkGrant(granter, { teamId, role, scopes });
      const { record, token } = await createToken(store, {
        name: body.name,
        teamId,
        role,
        scopes,
        ...(body.expiresIn === undefined ? {} : { expiresInMs: parseDuration(body.expiresIn) }),
      });
      return reply.status(201).send({ ...toPublicToken(record), token });
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/tokens",
    summary: "List the team's tokens (an admin: every team's); never their values.",
    tag: TAG,
    auth: "token",
    scope: "tokens:read",
    responses: { 200: { description: "Tokens.", schema: tokenListResponse } },
    handler: async ({ request }) => {
      const teamId = teamFilter(request.auth);
      return { tokens: (await store.tokens.list(teamId === undefined ? {} : { teamId })).map(toPublicToken) };
    },
  });

  defineRoute(app, registry, {
    method: "DELETE",
    url: "/v1/tokens/:id",
    summary: "Revoke a token.",
    tag: TAG,
    auth: "token",
    scope: "tokens:write",
    owns: "token",
    params: tokenParams,
    responses: {
      204: { description: "Revoked." },
      403: { description: "A token of a higher role than the caller's.", schema: errorResponse },
      404: { description: "No such token.", schema: errorResponse },
      409: { description: "A token revoking itself.", schema: errorResponse },
    },
    handler: async ({ params, reply, request }) => {
      const granter = caller(request.auth);
      if (granter.tokenId === params.id) {
        throw new C8sError("CONFLICT", "a token cannot revoke itself", {
          details: { id: params.id },
          hint: "Revoke it with another token, so that an admin token always remains.",
        });
      }
      const target = await store.tokens.get(params.id);
      if (target === null) throw tokenNotFound(params.id);
      // An owner may not revoke an admin's token that happens to sit in its team.
      checkGrant(granter, { teamId: target.teamId, role: target.role, scopes: [] });
      if (!(await store.tokens.revoke(params.id, new Date().toISOString()))) throw tokenNotFound(params.id);
      return reply.status(204).send();
    },
  });
}
