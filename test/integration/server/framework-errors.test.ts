/**
 * Hostile input gets a 4xx in c8s's error format: raw HTTP requests the fetch API would refuse
 * to send (raw NUL, non-UTF-8 bytes, a huge URL or header, a broken request line) and the
 * framework's own refusals (bad JSON, wrong content type, unknown route, wrong method, body too
 * large) against a real server. Each answers `{error: {code, message, details}}` with a stable
 * code — never a 500 from the store — and the server answers /healthz afterwards. Then: every
 * route in /openapi.json declares the statuses the framework can give it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { httpRequest, rawRequest, type RawResponse } from "../../fixtures/raw-http.ts";
import { openApiPath } from "../../../src/server/openapi.ts";
import { startTestServer, type TestServer } from "../../fixtures/server.ts";

let t: TestServer;
let auth: string;
let sandboxId: string;

before(async () => {
  t = await startTestServer({ bodyLimitBytes: 256 * 1024 });
  auth = `authorization: Bearer ${t.token}`;
  sandboxId = await t.createSandbox();
});
after(async () => {
  await t?.close();
});

interface HostileCase {
  name: string;
  request: () => Buffer;
  status: number;
  code: string;
  /** `details.field` of the answer, when it names one. */
  field?: string;
  /** Keep the connection open until the answer (the body is never sent in full). */
  keepOpen?: boolean;
}

const json = (body: string) => ["content-type: application/json", `content-length: ${Buffer.byteLength(body)}`];

const cases: HostileCase[] = [
  {
    name: "a raw NUL in the path",
    request: () => httpRequest("GET /v1/sandboxes/a\0b HTTP/1.1", [auth]),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "url",
  },
  {
    name: "a raw non-UTF-8 byte in the path",
    request: () => httpRequest("GET /v1/sandboxes/\xff\xfe HTTP/1.1", [auth]),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "url",
  },
  {
    name: "%00 in a path parameter (would reach the store)",
    request: () => httpRequest("GET /v1/sandboxes/sbx%00x HTTP/1.1", [auth]),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "path",
  },
  {
    name: "%00 in a free-text query value (would reach the store)",
    request: () => httpRequest("GET /v1/sandboxes?run=r%00 HTTP/1.1", [auth]),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "query",
  },
  {
    name: "%00 in the events filter",
    request: () => httpRequest("GET /v1/events?sandbox=%00 HTTP/1.1", [auth]),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "query",
  },
  {
    name: "percent-encoded bytes that are not UTF-8 in the path",
    request: () => httpRequest("GET /v1/sandboxes/%C3%28 HTTP/1.1", [auth]),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "path",
  },
  {
    name: "a truncated percent escape in the path",
    request: () => httpRequest("GET /v1/sandboxes/%E0%A4%A HTTP/1.1", [auth]),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "path",
  },
  {
    name: "percent-encoded bytes that are not UTF-8 in the query",
    request: () => httpRequest("GET /v1/sandboxes?run=%FF%FE HTTP/1.1", [auth]),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "query",
  },
  {
    name: "a malformed percent escape in the query",
    request: () => httpRequest("GET /v1/sandboxes?run=%zz HTTP/1.1", [auth]),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "query",
  },
  {
    name: "a header value whose bytes are not UTF-8",
    request: () => httpRequest("GET /v1/info HTTP/1.1", [auth, "x-note: \xff\xfe"]),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "headers",
  },
  {
    name: "an Authorization header whose bytes are not UTF-8",
    request: () => httpRequest("GET /v1/info HTTP/1.1", ["authorization: Bearer \xc3\x28"]),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "headers",
  },
  {
    name: "a raw NUL in a header value",
    request: () => httpRequest("GET /v1/info HTTP/1.1", [auth, "x-note: a\0b"]),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "request",
  },
  {
    name: "a URL over 8 KiB",
    request: () => httpRequest(`GET /v1/sandboxes?run=${"a".repeat(9000)} HTTP/1.1`, [auth]),
    status: 414,
    code: "URI_TOO_LONG",
    field: "url",
  },
  {
    name: "a URL over the parser's 16 KiB",
    request: () => httpRequest(`GET /v1/sandboxes?run=${"a".repeat(70_000)} HTTP/1.1`, [auth]),
    status: 414,
    code: "URI_TOO_LONG",
    field: "url",
  },
  {
    name: "headers over 16 KiB",
    request: () => httpRequest("GET /v1/info HTTP/1.1", [auth, `x-big: ${"a".repeat(20_000)}`]),
    status: 431,
    code: "HEADERS_TOO_LARGE",
    field: "headers",
  },
  {
    name: "a request line that is not HTTP",
    request: () => Buffer.from("HELLO\r\n\r\n"),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "request",
  },
  {
    name: "both content-length and transfer-encoding (request smuggling)",
    request: () =>
      httpRequest("POST /v1/sandboxes HTTP/1.1", [auth, "content-length: 2", "transfer-encoding: chunked"], "{}"),
    status: 400,
    code: "INVALID_ARGUMENT",
    field: "request",
  },
  {
    name: "malformed JSON",
    request: () => httpRequest("POST /v1/sandboxes HTTP/1.1", [auth, ...json("{not json")], "{not json"),
    status: 400,
    code: "VALIDATION_FAILED",
    field: "body",
  },
  {
    name: "a NUL inside a JSON string (the store cannot hold it)",
    request: () => {
      const body = JSON.stringify({ labels: { note: "a\0b" } });
      return httpRequest("POST /v1/sandboxes HTTP/1.1", [auth, ...json(body)], body);
    },
    status: 400,
    code: "INVALID_ARGUMENT",
  },
  {
    name: "a text/plain body on a JSON route",
    request: () =>
      httpRequest("POST /v1/sandboxes HTTP/1.1", [auth, "content-type: text/plain", "content-length: 2"], "{}"),
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
    field: "content-type",
  },
  {
    name: "a body without a content type on a JSON route",
    request: () => httpRequest("POST /v1/sandboxes HTTP/1.1", [auth, "content-length: 2"], "{}"),
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
    field: "content-type",
  },
  {
    name: "a JSON body over the limit",
    request: () =>
      httpRequest("POST /v1/sandboxes HTTP/1.1", [auth, "content-type: application/json", "content-length: 9000000"]),
    status: 413,
    code: "PAYLOAD_TOO_LARGE",
    field: "body",
    keepOpen: true,
  },
  {
    name: "an unknown route",
    request: () => httpRequest("GET /v1/nothing-here HTTP/1.1", [auth]),
    status: 404,
    code: "NOT_FOUND",
  },
  {
    name: "an unknown route outside /v1, without a token",
    request: () => httpRequest("GET /nothing-here HTTP/1.1"),
    status: 404,
    code: "NOT_FOUND",
  },
  {
    name: "a path parameter longer than its schema allows",
    request: () => httpRequest(`GET /v1/sandboxes/${"a".repeat(300)} HTTP/1.1`, [auth]),
    status: 400,
    code: "VALIDATION_FAILED",
    field: "id",
  },
];

function assertErrorBody(res: RawResponse, expected: HostileCase): void {
  assert.equal(res.status, expected.status, res.body);
  assert.match(res.headers["content-type"] ?? "", /^application\/json/);
  const error = (res.json as { error?: Record<string, unknown> } | undefined)?.error;
  assert.ok(error, `not c8s's error body: ${res.body}`);
  assert.equal(error["code"], expected.code, res.body);
  assert.equal(typeof error["message"], "string");
  assert.equal(typeof error["details"], "object");
  if (expected.field !== undefined)
    assert.equal((error["details"] as Record<string, unknown>)["field"], expected.field);
  // Nothing of the hostile input or the host leaks back.
  assert.ok(!res.body.includes("\0"), "a NUL came back");
  assert.doesNotMatch(res.body, /aaaaaaaaaaaaaaaa|\/tmp\//);
}

async function healthz(): Promise<void> {
  const res = await rawRequest(t.url, httpRequest("GET /healthz HTTP/1.1"));
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(res.json, { status: "ok" });
}

void describe("hostile raw requests get c8s's error body", () => {
  for (const c of cases) {
    void it(`${c.name} → ${c.status} ${c.code}`, { timeout: 20_000 }, async () => {
      const res = await rawRequest(t.url, c.request(), { end: c.keepOpen !== true });
      assertErrorBody(res, c);
      await healthz();
    });
  }

  void it("a wrong method is 405 METHOD_NOT_ALLOWED with an Allow header", { timeout: 20_000 }, async () => {
    for (const [method, path, allowed] of [
      ["PATCH", "/v1/sandboxes", ["GET", "POST"]],
      ["DELETE", "/v1/info", ["GET"]],
      ["POST", `/v1/sandboxes/${sandboxId}`, ["DELETE", "GET"]],
    ] as const) {
      const res = await rawRequest(t.url, httpRequest(`${method} ${path} HTTP/1.1`, [auth]));
      assertErrorBody(res, { name: method, request: () => Buffer.alloc(0), status: 405, code: "METHOD_NOT_ALLOWED" });
      assert.deepEqual((res.headers["allow"] ?? "").split(", ").sort(), [...allowed]);
    }
    await healthz();
  });

  void it("a local image that is no absolute directory is 404 IMAGE_NOT_FOUND, naming no host path", async () => {
    for (const image of ["0", "/nonexistent/rootfs"]) {
      const res = await t.api("POST", "/v1/sandboxes", { body: { image } });
      assert.equal(res.statusCode, 404, res.body);
      assert.equal((res.json() as { error: { code: string } }).error.code, "IMAGE_NOT_FOUND");
      assert.doesNotMatch(res.body, /cgroup|supervisor|\/var\/lib|argv/);
    }
  });

  void it("a hostile request never leaves a server error behind", { timeout: 20_000 }, async () => {
    const metrics = await t.api("GET", "/metrics", { token: null });
    assert.doesNotMatch(metrics.body, /c8s_http_requests_total\{[^}]*status="5\d\d"/);
  });
});

interface Operation {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
  security?: unknown[];
  "x-c8s-scope"?: string;
}

void describe("/openapi.json declares what the framework returns", () => {
  void it("every declared route is in the document and declares 400, 401 (with a token), 403, 413/415, 500", async () => {
    const res = await t.api("GET", "/openapi.json", { token: null });
    const doc = res.json() as {
      paths: Record<string, Record<string, Operation>>;
      components: { responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> };
    };
    const routes = t.server.c8sRoutes.routes;
    assert.ok(routes.length > 20);
    for (const route of routes) {
      const path = openApiPath(route.url);
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      const name = `${route.method} ${route.url}`;
      assert.ok(op, `${name} is missing from /openapi.json`);
      const statuses = Object.keys(op.responses);
      const expected = ["400", "414", "431", "500", "503"];
      if (route.auth !== "none") expected.push("401");
      if (route.scope !== undefined || route.auth === "admin") expected.push("403");
      if (route.params !== undefined) expected.push("404");
      if (route.method !== "GET") expected.push("413");
      if (route.method !== "GET" && !(route.body !== undefined && "raw" in route.body)) expected.push("415");
      for (const status of expected) assert.ok(statuses.includes(status), `${name} does not declare ${status}`);
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const resolved = response.$ref ? doc.components.responses[response.$ref.split("/").pop() ?? ""] : response;
        assert.ok(resolved, `${name} ${status}: dangling ${response.$ref}`);
        const schema = resolved.content?.["application/json"]?.schema;
        // /readyz's 503 is its health report; every other error is the one error body.
        if (route.url === "/readyz" && status === "503") continue;
        assert.equal(schema?.$ref, "#/components/schemas/Error", `${name} ${status} is not the error body`);
      }
    }
  });
});
