/**
 * buildServer: the HTTP API of docs/api.md as a Fastify instance (not listening). Routes
 * live in `routes/` by resource; errors become responses in one handler; every `/v1` call is
 * authenticated; requests are logged without tokens, query strings or bodies.
 */
import websocket, { type WebsocketPluginOptions } from "@fastify/websocket";
import { WebSocket } from "ws";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { C8sConfig } from "../config/config.ts";
import type { SandboxEngineApi } from "../engine/types.ts";
import { createWorkloadGuard } from "./workload-guard.ts";
import type { SandboxEvent, Store } from "../store/types.ts";
import { createAuthHook } from "./auth.ts";
import type { BrowserSessions } from "./browser-sessions.ts";
import { createRateLimitHooks } from "./rate-limit.ts";
import { createOwnershipCheck } from "./tenancy.ts";
import { createC8sMetrics, followEngineEvents, type C8sMetrics } from "./c8s-metrics.ts";
import { bodyLimitsFor, type RouteDeps } from "./deps.ts";
import { handleClientError, handleError, routeMissing } from "./http-errors.ts";
import { MAX_HEADER_BYTES, MAX_URL_BYTES, refuseWhenShuttingDown, rejectHostileInput } from "./request-edge.ts";
import { RouteRegistry } from "./route-registry.ts";
import { eventRoutes } from "./routes/events.ts";
import { execStreamRoutes } from "./routes/exec-stream.ts";
import { execRoutes } from "./routes/exec.ts";
import { fileRoutes } from "./routes/files.ts";
import { sandboxRoutes } from "./routes/sandboxes.ts";
import { systemRoutes } from "./routes/system.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { teamRoutes } from "./routes/teams.ts";
import { auditRoutes } from "./routes/audit.ts";
import { executeRoutes } from "./routes/execute.ts";
import { templateRoutes } from "./routes/templates.ts";
import { createAuditHooks } from "./audit.ts";
import { boundedWebSocketClass, webSocketErrorHandler } from "./ws-messages.ts";

/** The plugin types its `WebSocket` option as `ws`'s default export (class and namespace). */
type WsClassOption = NonNullable<NonNullable<WebsocketPluginOptions["options"]>["WebSocket"]>;

export interface BuildServerOptions {
  engine: SandboxEngineApi;
  store: Store;
  config: C8sConfig;
  /** A pino-compatible logger; omitted → Fastify's own at `config.logLevel`. */
  logger?: FastifyBaseLogger;
  version: string;
  /**
   * In-process subscription to the engine's stored events (`SandboxEngine.onEvent`), for
   * metrics. Without it the server follows `engine.events()` from the newest stored event.
   */
  subscribeEvents?: (listener: (event: SandboxEvent) => void) => () => void;
  /** Cap for JSON bodies (default 8 MiB, never above `config.bodyLimitBytes`). */
  jsonBodyLimitBytes?: number;
  /** Cap for one client WebSocket message (default 1 MiB, never above the JSON cap). */
  wsMessageLimitBytes?: number;
  /** The dashboard's browser sessions, accepted by the API's auth hook (see browser-sessions.ts). */
  browserSessions?: BrowserSessions;
}

declare module "fastify" {
  interface FastifyInstance {
    /** The server's metrics registry (exposed for tests and the composition root). */
    c8sMetrics: C8sMetrics;
    /** Every declared route, as documented in /openapi.json. */
    c8sRoutes: RouteRegistry;
  }
}

export function buildServer(options: BuildServerOptions): FastifyInstance {
  const { engine, store, config, version } = options;
  const limits = bodyLimitsFor(config, options.jsonBodyLimitBytes, options.wsMessageLimitBytes);
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: { level: config.logLevel } }),
    bodyLimit: limits.jsonBytes,
    // Fastify's own request lines include the URL (and so `?access_token=`); ours name the route only.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    // Every refusal carries c8s's error body, the framework's own too (http-errors.ts):
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    clientErrorHandler: handleClientError,
    frameworkErrors: handleError,
    // A long `:id` is refused by request-edge.ts (URI_TOO_LONG) or its schema, not by the router.
    routerOptions: { maxParamLength: MAX_URL_BYTES },
    // Fastify's own 503 while closing has its own body; the SERVER_SHUTTING_DOWN hook answers instead.
    return503OnClosing: false,
  }) as unknown as FastifyInstance;

  const registry = new RouteRegistry();
  const metrics = createC8sMetrics(store, () => engine.pools?.stats() ?? []);
  const shutdown = new AbortController();
  const deps: RouteDeps = { engine, store, config, version, registry, metrics, limits, shutdown: shutdown.signal };
  app.decorate("c8sMetrics", metrics);
  app.decorate("c8sRoutes", registry);
  app.decorateRequest("auth", null);

  app.setErrorHandler(handleError);
  app.setNotFoundHandler(async (request) => {
    const path = request.url.split("?", 1)[0] ?? "";
    throw routeMissing(request.method, path, registry.methodsAt(path));
  });
  const routeOf = (method: string, url: string) => registry.find(method, url);
  // JSON routes read JSON only: a text/plain body is 415, not a string handed to the schema.
  app.removeContentTypeParser("text/plain");
  app.addHook("onRequest", rejectHostileInput);
  app.addHook("onRequest", refuseWhenShuttingDown(shutdown.signal));
  const rateLimit = createRateLimitHooks(config.rateLimit, routeOf);
  if (rateLimit) app.addHook("onRequest", rateLimit.beforeAuth);
  app.addHook(
    "onRequest",
    createAuthHook({
      store,
      routeOf,
      checkOwned: createOwnershipCheck(engine, store),
      ...(options.browserSessions ? { sessions: options.browserSessions } : {}),
    }),
  );
  if (rateLimit) {
    app.addHook("onRequest", rateLimit.afterAuth);
    app.addHook("onResponse", rateLimit.onResponse);
  }
  app.addHook("onRequest", createWorkloadGuard(engine));
  // A refused WebSocket upgrade (401, 404, …) ends its connection: the socket left the HTTP
  // server's keep-alive handling at the upgrade, so nothing else would ever close it.
  app.addHook("onSend", async (request, reply) => {
    if (request.raw.headers.upgrade !== undefined && reply.statusCode >= 400) reply.header("connection", "close");
  });
  app.addHook("onResponse", async (request, reply) => {
    if (request.raw.headers.upgrade !== undefined && reply.statusCode >= 400) request.raw.socket.destroy();
  });
  const audit = createAuditHooks(store, app.log);
  app.addHook("onSend", audit.onSend);
  app.addHook("onResponse", audit.onResponse);
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    // The route pattern, never the URL: query strings may carry access_token.
    request.log.info(
      { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      "request",
    );
  });

  let follower: { stop(): Promise<void> } | undefined;
  app.addHook("onReady", async () => {
    if (options.subscribeEvents) {
      const unsubscribe = options.subscribeEvents((event) => metrics.observeEvent(event));
      follower = { stop: async () => unsubscribe() };
    } else follower = followEngineEvents(engine, store, metrics, app.log);
  });
  const unsubscribePool = engine.pools?.subscribe((event) => metrics.observePool(event));
  app.addHook("preClose", async () => {
    shutdown.abort();
    unsubscribePool?.();
    await follower?.stop();
    // Upgraded sockets are not HTTP connections: close would wait on a peer that never answers.
    await closeWebSockets([...app.websocketServer.clients], 1000);
  });

  void app.register(websocket, {
    options: {
      maxPayload: limits.wsMessageBytes,
      WebSocket: boundedWebSocketClass(limits.wsMessageBytes) as unknown as WsClassOption,
    },
    errorHandler: webSocketErrorHandler,
  });
  void app.register(async (scope) => {
    await systemRoutes(scope, deps);
    await sandboxRoutes(scope, deps);
    await execRoutes(scope, deps);
    await execStreamRoutes(scope, deps);
    await fileRoutes(scope, deps);
    await eventRoutes(scope, deps);
    await tokenRoutes(scope, deps);
    await teamRoutes(scope, deps);
    await auditRoutes(scope, deps);
    await templateRoutes(scope, deps);
    await executeRoutes(scope, deps);
  });
  return app;
}

/** Closes every WebSocket with 1001 (going away); terminates what has not closed after `graceMs`. */
async function closeWebSockets(clients: WebSocket[], graceMs: number): Promise<void> {
  const open = clients.filter((c) => c.readyState !== WebSocket.CLOSED);
  if (open.length === 0) return;
  const closed = Promise.all(open.map((c) => new Promise((resolve) => c.once("close", resolve))));
  for (const client of open) client.close(1001, "server shutting down");
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  for (const client of open) if (client.readyState !== WebSocket.CLOSED) client.terminate();
}
