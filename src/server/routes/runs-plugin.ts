/**
 * Registers the pipeline routes (runs, step logs, webhooks, secrets) on a built server,
 * before it listens. The root instance's auth hook and error handler apply to them.
 */
import type { FastifyInstance } from "fastify";
import { runLogRoutes } from "./runs-logs.ts";
import type { PipelineRouteDeps } from "./runs-deps.ts";
import { runRoutes } from "./runs.ts";
import { hookRoutes } from "./hooks.ts";
import { secretRoutes } from "./secrets.ts";
import { webhookRoutes } from "./webhooks.ts";

export async function registerPipelineRoutes(
  app: FastifyInstance,
  deps: Omit<PipelineRouteDeps, "registry" | "shutdown">,
): Promise<void> {
  const shutdown = new AbortController();
  app.addHook("preClose", async () => shutdown.abort());
  const full: PipelineRouteDeps = { ...deps, registry: app.c8sRoutes, shutdown: shutdown.signal };
  await app.register(async (scope) => {
    await runRoutes(scope, full);
    await runLogRoutes(scope, full);
    await webhookRoutes(scope, full);
    await secretRoutes(scope, full);
    await hookRoutes(scope, full);
  });
}
