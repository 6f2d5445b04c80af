/** Unauthenticated probes (/healthz, /readyz), Prometheus /metrics, /openapi.json, and /v1/info. */
import type { FastifyInstance } from "fastify";
import { toC8sError } from "../../errors/index.ts";
import { healthResponse, infoResponse } from "../api-schemas.ts";
import type { RouteDeps } from "../deps.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../metrics.ts";
import { buildOpenApi } from "../openapi.ts";
import { defineRoute } from "../route-registry.ts";

const TAG = "system";

async function check(fn: () => Promise<unknown>): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
  try {
    await fn();
    return { ok: true };
  } catch (error) {
    const e = toC8sError(error);
    return { ok: false, code: e.code, message: e.message };
  }
}

export async function systemRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { engine, store, registry, config, version } = deps;

  defineRoute(app, registry, {
    method: "GET",
    url: "/healthz",
    rateLimit: "exempt",
    summary: "Liveness: the process answers.",
    tag: TAG,
    auth: "none",
    responses: { 200: { description: "Up.", schema: healthResponse } },
    handler: async () => ({ status: "ok" }),
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/readyz",
    rateLimit: "exempt",
    summary: "Readiness: the store and the runtime answer.",
    tag: TAG,
    auth: "none",
    responses: {
      200: { description: "Ready.", schema: healthResponse },
      503: { description: "Not ready.", schema: healthResponse },
    },
    handler: async ({ reply }) => {
      const [storeCheck, runtimeCheck] = await Promise.all([
        check(() => store.events.list({ limit: 1 })),
        check(() => engine.capabilities()),
      ]);
      const ready = storeCheck.ok && runtimeCheck.ok;
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? "ok" : "unavailable", checks: { store: storeCheck, runtime: runtimeCheck } });
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/metrics",
    rateLimit: "exempt",
    summary: "Prometheus metrics (text format 0.0.4).",
    tag: TAG,
    auth: "none",
    responses: { 200: { description: "Metrics.", contentType: "text/plain" } },
    handler: async ({ reply }) => reply.type(PROMETHEUS_CONTENT_TYPE).send(await deps.metrics.registry.render()),
  });

  let openapi: unknown;
  defineRoute(app, registry, {
    method: "GET",
    url: "/openapi.json",
    summary: "This API's OpenAPI 3.1 document.",
    tag: TAG,
    auth: "none",
    responses: { 200: { description: "The OpenAPI document.", contentType: "application/json" } },
    handler: async () => (openapi ??= buildOpenApi(registry, version)),
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/info",
    summary: "Server version, runtime and its capabilities.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:read",
    responses: { 200: { description: "About this server.", schema: infoResponse } },
    handler: async () => ({ version, runtime: config.runtime, capabilities: await engine.capabilities() }),
  });
}
