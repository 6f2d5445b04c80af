/**
 * The SDK's JSON requests over node:http (src/http-node.ts): the request on the wire, and every
 * failure in the shape fetch gave it — API errors, refused connections, timeouts, aborts. A real
 * loopback HTTP server.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiClient } from "../../src/http.ts";
import { resolveConnection } from "../../src/options.ts";
import { ConnectionError, NotFoundError, RateLimitError, TimeoutError } from "../../src/index.ts";

const seen: Array<{ method: string; url: string; auth: string | undefined; type: string | undefined; body: string }> =
  [];
const server = createServer((req: IncomingMessage, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString()));
  req.on("end", () => {
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      auth: req.headers.authorization,
      type: req.headers["content-type"],
      body,
    });
    if (req.url?.startsWith("/slow")) return void setTimeout(() => res.end("{}"), 5_000).unref();
    if (req.url === "/missing") {
      res.writeHead(404, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ error: { code: "SANDBOX_NOT_FOUND", message: "no sandbox x" } }));
    }
    if (req.url === "/limited") {
      res.writeHead(429, { "retry-after": "7", "content-type": "application/json" });
      return void res.end(JSON.stringify({ error: { code: "RATE_LIMITED", message: "slow down" } }));
    }
    if (req.url === "/empty") return void res.writeHead(204).end();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ echo: body ? (JSON.parse(body) as unknown) : null }));
  });
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => {
  server.closeAllConnections();
  server.close();
});

const client = (timeoutMs = 2_000) =>
  new ApiClient(resolveConnection({ url, token: "tok", requestTimeoutMs: timeoutMs }, {}));

void test("sends method, query, bearer token and a JSON body; parses the JSON answer; 204 is undefined", async () => {
  const out = await client().json<{ echo: unknown }>("POST", "/v1/x", {
    json: { a: 1 },
    query: { label: ["a=1", "b=2"] },
  });
  assert.deepEqual(out, { echo: { a: 1 } });
  const last = seen.at(-1);
  assert.deepEqual(last, {
    method: "POST",
    url: "/v1/x?label=a%3D1&label=b%3D2",
    auth: "Bearer tok",
    type: "application/json",
    body: '{"a":1}',
  });
  assert.equal(await client().json("DELETE", "/empty"), undefined);
});

void test("API errors become the typed errors, with Retry-After", async () => {
  await assert.rejects(
    client().json("GET", "/missing"),
    (e: unknown) => e instanceof NotFoundError && e.code === "SANDBOX_NOT_FOUND",
  );
  await assert.rejects(
    client().json("GET", "/limited"),
    (e: unknown) => e instanceof RateLimitError && e.retryAfterSeconds === 7,
  );
});

void test("a refused connection, a timeout and an abort are ConnectionError, TimeoutError and ABORTED", async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const refused = new ApiClient(resolveConnection({ url: `http://127.0.0.1:${port}` }, {}));
  await assert.rejects(
    refused.json("GET", "/v1/info"),
    (e: unknown) => e instanceof ConnectionError && e.code === "CONNECTION_FAILED" && /ECONNREFUSED/.test(e.message),
  );
  await assert.rejects(
    client(200).json("GET", "/slow"),
    (e: unknown) => e instanceof TimeoutError && e.code === "REQUEST_TIMEOUT",
  );
  const abort = new AbortController();
  const pending = client().json("GET", "/slow/abort", { signal: abort.signal });
  setTimeout(() => abort.abort(), 50);
  await assert.rejects(pending, (e: unknown) => (e as { code?: string }).code === "ABORTED");
});
