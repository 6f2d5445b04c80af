/** What every route module receives: the engine, the store and the server's settings. */
import type { C8sConfig } from "../config/config.ts";
import type { SandboxEngineApi } from "../engine/types.ts";
import type { Store } from "../store/types.ts";
import type { C8sMetrics } from "./c8s-metrics.ts";
import type { RouteRegistry } from "./route-registry.ts";
import { DEFAULT_WS_MESSAGE_BYTES } from "./ws-messages.ts";

export interface RouteDeps {
  engine: SandboxEngineApi;
  store: Store;
  config: C8sConfig;
  version: string;
  registry: RouteRegistry;
  metrics: C8sMetrics;
  limits: BodyLimits;
  /** Aborted when the server closes: long-lived streams (SSE) end so close() does not hang. */
  shutdown: AbortSignal;
}

export interface BodyLimits {
  /** JSON bodies (create, exec with inline stdin, mkdir, tokens). */
  jsonBytes: number;
  /** Buffered raw bodies: stdin chunks. */
  uploadBytes: number;
  /** Streamed uploads (file contents, tar archives), spooled to disk: memory stays flat. */
  fileUploadBytes: number;
  /** One client WebSocket message (exec start frame, stdin chunk); larger → error frame + close 1009. */
  wsMessageBytes: number;
}

/** JSON bodies are capped well below uploads: nothing legitimate sends megabytes of JSON. */
export const DEFAULT_JSON_BODY_LIMIT = 8 * 1024 * 1024;

export function bodyLimitsFor(config: C8sConfig, jsonBytes?: number, wsMessageBytes?: number): BodyLimits {
  const json = Math.min(jsonBytes ?? DEFAULT_JSON_BODY_LIMIT, config.bodyLimitBytes);
  return {
    jsonBytes: json,
    uploadBytes: config.bodyLimitBytes,
    fileUploadBytes: config.uploadLimitBytes,
    wsMessageBytes: Math.min(wsMessageBytes ?? DEFAULT_WS_MESSAGE_BYTES, json),
  };
}
