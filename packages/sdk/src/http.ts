/** The SDK's one HTTP client: JSON and raw-byte requests, with API errors mapped by `errorFromApi`. */
import { C8sSdkError, ConnectionError, TimeoutError, errorFromApi } from "./errors.ts";
import type { ResolvedConnection } from "./options.ts";
import { toWebSocketUrl } from "./options.ts";
import { nodeRequest } from "./http-node.ts";

/** Query parameters; an array repeats the parameter (`label=a&label=b`). */
export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface RequestOptions {
  query?: Query;
  json?: unknown;
  body?: Uint8Array | ReadableStream<Uint8Array>;
  contentType?: string;
  signal?: AbortSignal;
  /** Override the connection's request timeout (0 = none, for long downloads/streams). */
  timeoutMs?: number;
  /** Extra request headers (If-Match). */
  headers?: Record<string, string>;
}

export class ApiClient {
  constructor(readonly connection: ResolvedConnection) {}

  url(path: string, query: Query = {}): string {
    const url = new URL(this.connection.url + path);
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value as readonly string[]) url.searchParams.append(key, v);
      else url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  wsUrl(path: string, query: Query = {}): string {
    return toWebSocketUrl(this.url(path, query));
  }

  authHeaders(): Record<string, string> {
    const token = this.connection.token;
    return token === undefined ? {} : { authorization: `Bearer ${token}` };
  }

  /** Sends a request and returns the response; throws a typed error for non-2xx. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...(options.headers ?? {}), ...this.authHeaders() };
    let body: RequestInit["body"] | undefined;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      headers["content-type"] = options.contentType ?? "application/octet-stream";
      body = options.body as RequestInit["body"];
    }
    const { signal, timeoutMs } = this.signal(options);
    const init: RequestInit & { duplex?: "half" } = {
      method,
      headers,
      body: body ?? null,
      signal,
    };
    if (options.body instanceof ReadableStream) init.duplex = "half";
    let res: Response;
    try {
      res = await fetch(this.url(path, options.query), init);
    } catch (error) {
      throw transportError(error, method, this.connection.url, timeoutMs);
    }
    if (!res.ok) throw apiError(res.status, await res.text().catch(() => ""), res.headers.get("retry-after"));
    return res;
  }

  private signal(options: RequestOptions): { signal: AbortSignal | null; timeoutMs: number } {
    const timeoutMs = options.timeoutMs ?? this.connection.requestTimeoutMs;
    const signals: AbortSignal[] = [];
    if (options.signal) signals.push(options.signal);
    if (timeoutMs > 0) signals.push(AbortSignal.timeout(timeoutMs));
    return { signal: signals.length === 0 ? null : AbortSignal.any(signals), timeoutMs };
  }

  /** A JSON (or empty) request with a JSON answer, over node:http(s) (see http-node.ts); raw bodies go through fetch. */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    if (options.body !== undefined) {
      const res = await this.request(method, path, options);
      if (res.status === 204) return undefined as T;
      const text = await res.text();
      return (text ? JSON.parse(text) : undefined) as T;
    }
    const headers: Record<string, string> = { ...this.authHeaders() };
    let body: string | undefined;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    const { signal, timeoutMs } = this.signal(options);
    let res;
    try {
      res = await nodeRequest(this.url(path, options.query), method, headers, body, signal);
    } catch (error) {
      throw transportError(error, method, this.connection.url, timeoutMs);
    }
    if (res.status < 200 || res.status > 299) throw apiError(res.status, res.text, res.retryAfter);
    if (res.status === 204) return undefined as T;
    return (res.text ? JSON.parse(res.text) : undefined) as T;
  }

  async bytes(method: string, path: string, options: RequestOptions = {}): Promise<Uint8Array> {
    const res = await this.request(method, path, options);
    return new Uint8Array(await res.arrayBuffer());
  }
}

function apiError(status: number, text: string, retryAfter: string | null): C8sSdkError {
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { error: { message: text.slice(0, 500) || undefined } };
  }
  return errorFromApi(status, parsed, retryAfter);
}

function transportError(error: unknown, method: string, url: string, timeoutMs: number): C8sSdkError {
  if (error instanceof C8sSdkError) return error;
  const name = (error as { name?: string } | null)?.name;
  if (name === "TimeoutError") {
    return new TimeoutError(`${method} request to ${url} timed out after ${timeoutMs} ms`, {
      code: "REQUEST_TIMEOUT",
      hint: "The server is slow or stuck; raise requestTimeoutMs or check the server.",
      cause: error,
    });
  }
  if (name === "AbortError") {
    return new C8sSdkError(`${method} request to ${url} was aborted`, { code: "ABORTED", cause: error });
  }
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  return new ConnectionError(
    `cannot reach the c8s server at ${url}: ${cause?.code ?? cause?.message ?? String(error)}`,
    {
      code: "CONNECTION_FAILED",
      hint: "Start it with `c8s serve`, or point C8S_URL at the right address.",
      cause: error,
    },
  );
}
