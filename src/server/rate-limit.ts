/**
 * Request rate limits: a token bucket per API token (per remote address for requests that
 * present none, and for failed authentications), held in memory. The bucket map is bounded:
 * a bucket that has refilled is the same as no bucket and is dropped, and past `maxBuckets`
 * the least recently used one goes, so nobody can grow it without bound. Probes and scrapes
 * (routes declared `rateLimit: "exempt"`) are never limited.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { C8sError } from "../errors/index.ts";
import type { RouteDoc } from "./route-registry.ts";

export interface RateLimitSettings {
  /** Refill rate; 0 disables rate limiting. */
  requestsPerSecond: number;
  /** Bucket capacity: how many requests may come at once after a quiet period. */
  burst: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

/** Token buckets by key (pure apart from the clock it is given). */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweepMs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
    private readonly maxBuckets = 10_000,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  /** Takes one request from `key`'s bucket; when it is empty, how long until one is there. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const bucket = this.current(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.store(key, bucket);
      return { ok: true };
    }
    this.store(key, bucket);
    return { ok: false, retryAfterSeconds: this.secondsUntilOne(bucket) };
  }

  /** Whether `key` has a request left, without taking it (the seconds to wait when not). */
  peek(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return { ok: true };
    const refilled = this.refill(bucket);
    return refilled.tokens >= 1 ? { ok: true } : { ok: false, retryAfterSeconds: this.secondsUntilOne(refilled) };
  }

  private secondsUntilOne(bucket: Bucket): number {
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.settings.requestsPerSecond));
  }

  private refill(bucket: Bucket): Bucket {
    const at = this.now();
    const elapsed = Math.max(0, at - bucket.atMs) / 1000;
    return {
      tokens: Math.min(this.settings.burst, bucket.tokens + elapsed * this.settings.requestsPerSecond),
      atMs: at,
    };
  }

  private current(key: string): Bucket {
    const bucket = this.buckets.get(key);
    return bucket === undefined ? { tokens: this.settings.burst, atMs: this.now() } : this.refill(bucket);
  }

  /** Re-inserts (most recently used last); at capacity drops full buckets, then the least recently used. */
  private store(key: string, bucket: Bucket): void {
    this.buckets.delete(key);
    if (this.buckets.size >= this.maxBuckets) this.evict();
    this.buckets.set(key, bucket);
  }

  private evict(): void {
    const at = this.now();
    // A sweep is O(n): at most once a second, however hard the map is pushed.
    if (at - this.lastSweepMs >= 1000) {
      this.lastSweepMs = at;
      for (const [key, bucket] of this.buckets)
        if (this.refill(bucket).tokens >= this.settings.burst) this.buckets.delete(key);
    }
    while (this.buckets.size >= this.maxBuckets) {
      const oldest = this.buckets.keys().next();
      if (oldest.done === true) break;
      this.buckets.delete(oldest.value);
    }
  }
}

export function rateLimited(settings: RateLimitSettings, by: "token" | "address", retryAfterSeconds: number): C8sError {
  const who = by === "token" ? "this token" : "this address";
  return new C8sError(
    "RATE_LIMITED",
    `too many requests from ${who}: the limit is ${settings.requestsPerSecond} per second, in bursts of at most ${settings.burst}`,
    {
      details: {
        limit: by === "token" ? "requests per token" : "requests per address",
        requestsPerSecond: settings.requestsPerSecond,
        burst: settings.burst,
        retryAfterSeconds,
      },
      hint: `Wait ${retryAfterSeconds} s (the Retry-After header) and retry; the operator sets the limit with C8S_RATE_LIMIT_RPS and C8S_RATE_LIMIT_BURST.`,
    },
  );
}

export interface RateLimitHooks {
  /** onRequest, before authentication: unauthenticated routes by address; an address that failed authentication too often. */
  beforeAuth(request: FastifyRequest): Promise<void>;
  /** onRequest, after authentication: the caller's token. */
  afterAuth(request: FastifyRequest): Promise<void>;
  /** onResponse: a 401 costs its address a request. */
  onResponse(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

/**
 * The rate-limit hooks of a server. `routeOf` finds a request's declaration (an exempt route
 * is never limited); `now` is the clock (tests).
 */
export function createRateLimitHooks(
  settings: RateLimitSettings,
  routeOf: (method: string, url: string) => RouteDoc | undefined,
  options: { now?: () => number; maxBuckets?: number } = {},
): RateLimitHooks | null {
  if (settings.requestsPerSecond <= 0) return null;
  const buckets = new TokenBuckets(settings, options.now, options.maxBuckets);
  const route = (request: FastifyRequest) =>
    request.routeOptions.url === undefined
      ? undefined
      : routeOf(request.method === "HEAD" ? "GET" : request.method, request.routeOptions.url);
  const exempt = (request: FastifyRequest) => route(request)?.rateLimit === "exempt";
  const address = (request: FastifyRequest) => `address:${request.ip}`;
  return {
    async beforeAuth(request) {
      if (exempt(request)) return;
      const doc = route(request);
      const path = request.url.split("?", 1)[0] ?? "";
      const open = doc === undefined ? !(path === "/v1" || path.startsWith("/v1/")) : doc.auth === "none";
      const verdict = open ? buckets.take(address(request)) : buckets.peek(address(request));
      if (!verdict.ok) throw rateLimited(settings, "address", verdict.retryAfterSeconds);
    },
    async afterAuth(request) {
      if (request.auth === null || exempt(request)) return;
      const verdict = buckets.take(`token:${request.auth.tokenId}`);
      if (!verdict.ok) throw rateLimited(settings, "token", verdict.retryAfterSeconds);
    },
    async onResponse(request, reply) {
      if (reply.statusCode === 401) buckets.take(address(request));
    },
  };
}
