/**
 * Connection options: from the arguments, else from `C8S_URL` / `C8S_TOKEN`. This is the
 * one place the SDK looks at the environment.
 */
import { InvalidArgumentError } from "./errors.ts";

export interface ConnectionOptions {
  /** Base URL of the c8s server, e.g. `http://127.0.0.1:7878`. Default: `C8S_URL`, else `http://127.0.0.1:7878`. */
  url?: string;
  /** Bearer token. Default: `C8S_TOKEN`. */
  token?: string;
  /** Per-request timeout for API calls (not for commands). Default 60 000 ms. */
  requestTimeoutMs?: number;
  /** How many times an exec stream reconnects before giving up. Default 8. */
  maxReconnects?: number;
}

export interface ResolvedConnection {
  url: string;
  token: string | undefined;
  requestTimeoutMs: number;
  maxReconnects: number;
}

export const DEFAULT_URL = "http://127.0.0.1:7878";

/** Pure: resolves options against an environment map (pass `process.env`). */
export function resolveConnection(
  options: ConnectionOptions = {},
  env: Record<string, string | undefined> = {},
): ResolvedConnection {
  const rawUrl = options.url ?? (env["C8S_URL"] || undefined) ?? DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(rawUrl);
  } catch {
    throw new InvalidArgumentError(`invalid server URL '${rawUrl}'`, {
      code: "INVALID_ARGUMENT",
      hint: "Pass { url: 'http://host:port' } or set C8S_URL to the address c8s serve printed.",
      details: { field: "url" },
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new InvalidArgumentError(`server URL must be http(s), got '${parsed.protocol}'`, {
      code: "INVALID_ARGUMENT",
      hint: "Use an http:// or https:// URL; the SDK derives the WebSocket URL itself.",
      details: { field: "url" },
    });
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const maxReconnects = options.maxReconnects ?? 8;
  for (const [field, value] of [
    ["requestTimeoutMs", requestTimeoutMs],
    ["maxReconnects", maxReconnects],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new InvalidArgumentError(`${field} must be a non-negative integer, got ${String(value)}`, {
        code: "INVALID_ARGUMENT",
        hint: `Pass a whole number for ${field}.`,
        details: { field },
      });
    }
  }
  const token = options.token ?? (env["C8S_TOKEN"] || undefined);
  return { url: parsed.toString().replace(/\/+$/, ""), token, requestTimeoutMs, maxReconnects };
}

/** Resolves against the process environment; what `Sandbox.create`/`connect`/`list` call. */
export function connectionFromEnv(options: ConnectionOptions = {}): ResolvedConnection {
  // eslint-disable-next-line no-restricted-properties -- the SDK's single documented env read (C8S_URL/C8S_TOKEN)
  return resolveConnection(options, process.env);
}

/** `http://h:p/base` → `ws://h:p/base`. */
export function toWebSocketUrl(httpUrl: string): string {
  return httpUrl.replace(/^http/, "ws");
}
