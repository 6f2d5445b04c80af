/** /v1/tokens (admin scope): create (shown once), list, revoke. */
import type { FastifyInstance } from "fastify";
import { C8sError } from "../../errors/index.ts";
import { createToken } from "../auth.ts";
import {
  createTokenBody,
  createdTokenResponse,
  errorResponse,
  tokenListResponse,
  tokenParams,
} from "../api-schemas.ts";
import type { RouteDeps } from "../deps.ts";
import { defineRoute } from "../route-registry.ts";
import { toPublicToken } from "../serialize.ts";

const TAG = "tokens";

export async function tokenRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, registry } = deps;

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/tokens",
    summary: "Create an API token; the token is in this response only.",
    tag: TAG,
    auth: "admin",
    body: createTokenBody,
    bodyLimit: deps.limits.jsonBytes,
    responses: {
      201: { description: "The new token.", schema: createdTokenResponse },
      403: { description: "Not an admin token.", schema: errorResponse },
    },
    handler: async ({ body, reply }) => {
      const { record, token } = await createToken(store, body.name, body.scopes ?? ["sandboxes"]);
      return reply.status(201).send({ id: record.id, name: record.name, scopes: record.scopes, token });
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/tokens",
    summary: "List tokens (never their values).",
    tag: TAG,
    auth: "admin",
    responses: { 200: { description: "Tokens.", schema: tokenListResponse } },
    handler: async () => ({ tokens: (await store.tokens.list()).map(toPublicToken) }),
  });

  defineRoute(app, registry, {
    method: "DELETE",
    url: "/v1/tokens/:id",
    summary: "Revoke a token.",
    tag: TAG,
    auth: "admin",
    params: tokenParams,
    responses: { 204: { description: "Revoked." }, 404: { description: "No such token.", schema: errorResponse } },
    handler: async ({ params, reply, request }) => {
      if (request.auth?.tokenId === params.id) {
        throw new C8sError("CONFLICT", "a token cannot revoke itself", {
          details: { id: params.id },
          hint: "Revoke it with another admin token, so that an admin token always remains.",
        });
      }
      const revoked = await store.tokens.revoke(params.id, new Date().toISOString());
      if (!revoked) {
        throw new C8sError("NOT_FOUND", `no active token with id '${params.id}'`, {
          details: { id: params.id },
          hint: "List tokens with GET /v1/tokens.",
        });
      }
      return reply.status(204).send();
    },
  });
}
