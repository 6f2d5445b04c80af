/**
 * /v1/secrets: set (encrypted at rest), list names, delete — always in the caller's team
 * (an admin lists every team's). Values never leave; runs get their own team's only.
 * /v1/secrets-key/rotate (admins): re-seal everything with the current secrets key.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { C8sError } from "../../errors/index.ts";
import { secretPolicySchema } from "../../pipelines/service/secret-policy.ts";
import { rotateSecretsKey } from "../../pipelines/service/secrets-key.ts";
import { DEFAULT_TEAM } from "../../store/types.ts";
import { teamFilter } from "../access.ts";
import { errorResponse } from "../api-schemas.ts";
import { defineRoute } from "../route-registry.ts";
import type { PipelineRouteDeps } from "./runs-deps.ts";

export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const name = z.string().regex(SECRET_NAME, "a secret name is an environment variable name: [A-Za-z_][A-Za-z0-9_]*");
const setBody = z.strictObject({
  name,
  value: z
    .string()
    .min(1)
    .max(64 * 1024),
  policy: secretPolicySchema.optional(),
});
const nameParams = z.strictObject({ name });
const secretInfo = z.object({
  team: z.string(),
  name: z.string(),
  policy: secretPolicySchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export async function secretRoutes(app: FastifyInstance, deps: PipelineRouteDeps): Promise<void> {
  const { store, registry, secretBox } = deps;

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/secrets",
    summary:
      "Create or replace a secret (stored AES-256-GCM encrypted; steps naming it get it as an env var) and its policy: which events, branches and repositories may use it, and whether pull requests from forks may (default: not).",
    tag: "secrets",
    auth: "token",
    scope: "secrets:write",
    body: setBody,
    bodyLimit: deps.jsonBodyLimit,
    responses: { 201: { description: "Stored (the value is never returned).", schema: secretInfo } },
    handler: async ({ body, reply, request }) => {
      const teamId = request.auth?.teamId ?? DEFAULT_TEAM;
      const now = new Date().toISOString();
      const existing = await store.secrets.get(teamId, body.name);
      const record = {
        teamId,
        name: body.name,
        ciphertext: secretBox.seal(body.name, body.value),
        policy: body.policy ?? null,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await store.secrets.put(record);
      return reply.status(201).send({
        team: teamId,
        name: record.name,
        policy: record.policy,
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
      });
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/secrets",
    summary: "The team's secret names (never values); an admin sees every team's.",
    tag: "secrets",
    auth: "token",
    scope: "secrets:read",
    responses: { 200: { description: "Names.", schema: z.object({ secrets: z.array(secretInfo) }) } },
    handler: async ({ request }) => ({
      secrets: (await store.secrets.list(teamFilter(request.auth))).map(({ teamId, ...info }) => ({
        team: teamId,
        ...info,
      })),
    }),
  });

  defineRoute(app, registry, {
    method: "DELETE",
    url: "/v1/secrets/:name",
    summary: "Delete one of the team's secrets.",
    tag: "secrets",
    auth: "token",
    scope: "secrets:write",
    params: nameParams,
    responses: { 204: { description: "Deleted." }, 404: { description: "No such secret.", schema: errorResponse } },
    handler: async ({ params, reply, request }) => {
      if (!(await store.secrets.delete(request.auth?.teamId ?? DEFAULT_TEAM, params.name)))
        throw new C8sError("SECRET_NOT_FOUND", `no secret '${params.name}'`, {
          details: { name: params.name },
          hint: "List secrets with GET /v1/secrets.",
        });
      return reply.status(204).send();
    },
  });

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/secrets-key/rotate",
    summary:
      "Re-seal every secret, repository credential and team hook's signing secret with this server's current secrets key (C8S_SECRETS_KEY), in one transaction; values sealed with C8S_SECRETS_KEY_PREVIOUS stay readable until then. Installation admins; see docs/security.md, 'The secrets key'.",
    tag: "secrets",
    auth: "admin",
    // Nothing to send; anything sent is refused (400), not ignored.
    body: z.strictObject({}),
    bodyLimit: deps.jsonBodyLimit,
    responses: {
      200: {
        description: "How many values were re-sealed (never a value or a key).",
        schema: z.object({ secrets: z.number().int(), credentials: z.number().int(), hooks: z.number().int() }),
      },
      403: { description: "Not an admin token.", schema: errorResponse },
    },
    handler: async () => rotateSecretsKey(store, secretBox),
  });
}
