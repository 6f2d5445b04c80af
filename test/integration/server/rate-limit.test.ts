/**
 * Request rate limits against a real server with a tiny limit (1 request/s, bursts of 4):
 * a burst then 429 RATE_LIMITED with Retry-After, other tokens unaffected, recovery after the
 * wait, probes exempt, the SDK's RateLimitError, failed authentications limited by address.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RateLimitError, Sandbox } from "../../../packages/sdk/src/index.ts";
import type { LooseJson } from "../../fixtures/pipelines-server.ts";
import { startTestServer, type TestServer } from "../../fixtures/server.ts";

const LIMIT = { requestsPerSecond: 1, burst: 4 };
let t: TestServer;
const tokens: Record<"burst" | "other" | "recover" | "sdk", string> = { burst: "", other: "", recover: "", sdk: "" };

async function get(
  path: string,
  token: string | null,
): Promise<{ status: number; retryAfter: string | null; body: LooseJson }> {
  const res = await fetch(`${t.url}${path}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    body: text.startsWith("{") ? JSON.parse(text) : text,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  t = await startTestServer({ rateLimit: LIMIT });
  // The admin token's own burst pays for these four.
  for (const name of Object.keys(tokens) as Array<keyof typeof tokens>) {
    const res = await t.api("POST", "/v1/tokens", { body: { name, role: "member" } });
    assert.equal(res.statusCode, 201, res.body);
    tokens[name] = (res.json() as { token: string }).token;
  }
});
after(async () => {
  await t?.close();
});

void describe("rate limits", { timeout: 30_000 }, () => {
  void it("a burst passes, then 429 RATE_LIMITED with Retry-After and the limit in details", async () => {
    for (let i = 0; i < LIMIT.burst; i++)
      assert.equal((await get("/v1/info", tokens.burst)).status, 200, `request ${i}`);
    const refused = await get("/v1/info", tokens.burst);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, "RATE_LIMITED");
    assert.match(refused.retryAfter ?? "", /^[1-9]\d*$/);
    assert.deepEqual(refused.body.error.details, {
      limit: "requests per token",
      requestsPerSecond: 1,
      burst: 4,
      retryAfterSeconds: Number(refused.retryAfter),
    });
    assert.match(refused.body.error.hint, /Retry-After/);
  });

  void it("another token is unaffected; probes and metrics are never limited", async () => {
    assert.equal((await get("/v1/info", tokens.burst)).status, 429);
    assert.equal((await get("/v1/info", tokens.other)).status, 200);
    for (let i = 0; i < 3 * LIMIT.burst; i++) {
      assert.equal((await get("/healthz", null)).status, 200);
      assert.equal((await get("/metrics", null)).status, 200);
      assert.equal((await get("/readyz", null)).status, 200);
    }
  });

  void it("a limited token recovers after the Retry-After wait", async () => {
    let refused: Awaited<ReturnType<typeof get>> | undefined;
    for (let i = 0; i <= LIMIT.burst && refused === undefined; i++) {
      const res = await get("/v1/info", tokens.recover);
      if (res.status === 429) refused = res;
    }
    assert.ok(refused, "the burst ran out");
    await sleep(Number(refused.retryAfter) * 1000);
    assert.equal((await get("/v1/info", tokens.recover)).status, 200);
  });

  void it("the SDK raises RateLimitError with retryAfterSeconds", async () => {
    const options = { url: t.url, token: tokens.sdk };
    const error = await (async () => {
      for (let i = 0; i <= LIMIT.burst; i++) await Sandbox.serverInfo(options);
      return undefined;
    })().catch((e: unknown) => e);
    assert.ok(error instanceof RateLimitError, String(error));
    assert.equal(error.code, "RATE_LIMITED");
    assert.equal(error.status, 429);
    assert.ok(error.retryAfterSeconds !== undefined && error.retryAfterSeconds >= 1, String(error.retryAfterSeconds));
  });

  void it("/openapi.json declares 429 with Retry-After on authenticated routes, not on probes", async () => {
    const doc = (await get("/openapi.json", null)).body as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
    };
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods)) {
        if (!path.startsWith("/v1/")) continue;
        assert.ok(op.responses["429"], `${method} ${path} declares 429`);
      }
    assert.ok(doc.paths["/v1/info"]?.["get"]?.responses["429"]?.headers?.["Retry-After"]);
    for (const probe of ["/healthz", "/readyz", "/metrics"])
      assert.equal(doc.paths[probe]?.["get"]?.responses["429"], undefined, probe);
  });

  // Last: it spends this address's bucket, which every request from 127.0.0.1 shares.
  void it("failed authentications are limited by address, and then so is that address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT.burst + 2; i++) statuses.push((await get("/v1/info", "c8s_not-a-token")).status);
    // 401s until the address's bucket (which /openapi.json above also drew on) is spent, then 429s.
    const firstRefusal = statuses.indexOf(429);
    assert.ok(firstRefusal >= 1, statuses.join());
    assert.ok(
      statuses.slice(0, firstRefusal).every((s) => s === 401),
      statuses.join(),
    );
    assert.ok(
      statuses.slice(firstRefusal).every((s) => s === 429),
      statuses.join(),
    );
    const valid = await get("/v1/info", tokens.other);
    assert.equal(valid.status, 429, "a valid token from an address spending failures waits too");
    assert.equal(valid.body.error.details.limit, "requests per address");
    assert.equal((await get("/healthz", null)).status, 200);
  });
});
