/** /v1/secrets (admin scope): set (encrypted at rest), list names, delete. Values never leave. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { C8sError } from "../../errors/index.ts";
import { errorResponse } from "../api-schemas.ts";
import { defineRoute } from "../route-registry.ts";
import type { PipelineRouteDeps } from "./runs-deps.ts";

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const name = z.string().regex(SECRET_NAME, "a secret name is an environment variable name: [A-Za-z_][A-Za-z0-9_]*");
const setBody = z.strictObject({
  name,
  value: z
    .string()
    .min(1)
    .max(64 * 1024),
});
const nameParams = z.strictObject({ name });
const secretInfo = z.object({ name: z.string(), createdAt: z.string(), updatedAt: z.string() });

export async function secretRoutes(app: FastifyInstance, deps: PipelineRouteDeps): Promise<void> {
  const { store, registry, secretBox } = deps;

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/secrets",
    summary: "Create or replace a secret (stored AES-256-GCM encrypted; steps naming it get it as an env var).",
    tag: "secrets",
    auth: "admin",
    body: setBody,
    bodyLimit: deps.jsonBodyLimit,
    responses: { 201: { description: "Stored (the value is never returned).", schema: secretInfo } },
    handler: async ({ body, reply }) => {
      const now = new Date().toISOString();
      const existing = await store.secrets.get(body.name);
      const record = {
        name: body.name,
        ciphertext: secretBox.seal(body.name, body.value),
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await store.secrets.put(record);
      return reply.status(201).send({ name: record.name, createdAt: record.createdAt, updatedAt: record.updatedAt });
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/secrets",
    summary: "Secret names (never values).",
    tag: "secrets",
    auth: "admin",
    responses: { 200: { description: "Names.", schema: z.object({ secrets: z.array(secretInfo) }) } },
    handler: async () => ({ secrets: await store.secrets.list() }),
  });

  defineRoute(app, registry, {
    method: "DELETE",
    url: "/v1/secrets/:name",
    summary: "Delete a secret.",
    tag: "secrets",
    auth: "admin",
    params: nameParams,
    responses: { 204: { description: "Deleted." }, 404: { description: "No such secret.", schema: errorResponse } },
    handler: async ({ params, reply }) => {
      if (!(await store.secrets.delete(params.name)))
        throw new C8sError("SECRET_NOT_FOUND", `no secret '${params.name}'`, {
          details: { name: params.name },
          hint: "List secrets with GET /v1/secrets.",
        });
      return reply.status(204).send();
    },
  });
}
