/**
 * /v1/hooks: a team's webhook configurations (`pipelines/service/hooks.ts`). Created by a team
 * owner (`hooks:write`); the signing secret is returned once, at creation. A hook naming a
 * `repoSecret` needs `secrets:use` as well and a secret of the team by that name — the same
 * checks a run naming one gets, because every delivery will clone with it.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { hookNotFound, hookView, makeHook } from "../../pipelines/service/hooks.ts";
import { DEFAULT_TEAM } from "../../store/types.ts";
import { requireScope, teamFilter } from "../access.ts";
import { errorResponse } from "../api-schemas.ts";
import { defineRoute } from "../route-registry.ts";
import type { PipelineRouteDeps } from "./runs-deps.ts";
import { SECRET_NAME } from "./secrets.ts";
import { C8sError } from "../../errors/index.ts";

const createBody = z.strictObject({
  provider: z.enum(["github", "gitlab"]),
  repoUrl: z.string().min(1).max(2048),
  repoSecret: z.string().regex(SECRET_NAME, "a secret name: [A-Za-z_][A-Za-z0-9_]*").optional(),
});
const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const hookInfo = z.object({
  id: z.string(),
  team: z.string(),
  provider: z.enum(["github", "gitlab"]),
  repoUrl: z.string(),
  repoSecret: z.string().nullable(),
  deliveryPath: z.string(),
  createdAt: z.string(),
  lastDeliveryAt: z.string().nullable(),
});
const created = hookInfo.extend({
  secret: z.string().describe("The signing secret (GitHub) or token (GitLab): shown this once, never again."),
});

export async function hookRoutes(app: FastifyInstance, deps: PipelineRouteDeps): Promise<void> {
  const { store, registry, secretBox, runs } = deps;
  const notFound = { description: "HOOK_NOT_FOUND: no such hook in your team.", schema: errorResponse };

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/hooks",
    summary:
      "Create a webhook configuration for one repository: deliveries to its deliveryPath start runs in your team, cloning with repoSecret if given. The signing secret is returned once.",
    tag: "webhooks",
    auth: "token",
    scope: "hooks:write",
    body: createBody,
    bodyLimit: deps.jsonBodyLimit,
    responses: {
      201: { description: "Created; `secret` is shown only now.", schema: created },
      403: { description: "PERMISSION_DENIED: repoSecret needs the scope secrets:use.", schema: errorResponse },
      404: { description: "SECRET_NOT_FOUND: the team has no secret named by repoSecret.", schema: errorResponse },
      422: { description: "REPO_URL_FORBIDDEN: the server's clone policy refuses repoUrl.", schema: errorResponse },
    },
    handler: async ({ body, reply, request }) => {
      const principal = request.auth;
      const teamId = principal?.teamId ?? DEFAULT_TEAM;
      runs.checkRepoUrl(body.repoUrl);
      if (body.repoSecret !== undefined) {
        if (principal !== undefined && principal !== null) requireScope(principal, "secrets:use");
        if ((await store.secrets.get(teamId, body.repoSecret)) === null)
          throw new C8sError("SECRET_NOT_FOUND", `the team has no secret ${body.repoSecret} to clone with`, {
            details: { field: "repoSecret", missing: [body.repoSecret] },
            hint: "Store it first: c8s secret set NAME (POST /v1/secrets).",
          });
      }
      const { record, secret } = makeHook(secretBox, {
        teamId,
        provider: body.provider,
        repoUrl: body.repoUrl,
        repoSecret: body.repoSecret ?? null,
        createdBy: principal?.tokenId ?? null,
      });
      await store.hooks.insert(record);
      return reply.status(201).send({ ...hookView(record), secret });
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/hooks",
    summary: "The team's hooks (never their secrets); an admin sees every team's.",
    tag: "webhooks",
    auth: "token",
    scope: "hooks:read",
    responses: { 200: { description: "Hooks, newest first.", schema: z.object({ hooks: z.array(hookInfo) }) } },
    handler: async ({ request }) => ({ hooks: (await store.hooks.list(teamFilter(request.auth))).map(hookView) }),
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/hooks/:id",
    summary: "One of the team's hooks.",
    tag: "webhooks",
    auth: "token",
    scope: "hooks:read",
    params: idParams,
    responses: { 200: { description: "The hook.", schema: hookInfo }, 404: notFound },
    handler: async ({ params, request }) => {
      const record = await store.hooks.get(params.id, teamFilter(request.auth));
      if (record === null) throw hookNotFound(params.id);
      return hookView(record);
    },
  });

  defineRoute(app, registry, {
    method: "DELETE",
    url: "/v1/hooks/:id",
    summary: "Delete one of the team's hooks: its deliveries are refused from now on (401).",
    tag: "webhooks",
    auth: "token",
    scope: "hooks:write",
    params: idParams,
    responses: { 204: { description: "Deleted." }, 404: notFound },
    handler: async ({ params, reply, request }) => {
      if (!(await store.hooks.delete(params.id, teamFilter(request.auth)))) throw hookNotFound(params.id);
      return reply.status(204).send();
    },
  });
}
