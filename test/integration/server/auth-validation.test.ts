/** Auth on every /v1 route family, validation at the edge, body limits, logs without secrets. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorOf, startTestServer, type TestServer } from "../../fixtures/server.ts";
import { openWs } from "../../fixtures/server-ws.ts";
import { createJsonLogger } from "../../../src/server/logger.ts";

const logLines: string[] = [];
let t: TestServer;
let sandboxId: string;

before(async () => {
  t = await startTestServer(
    { bodyLimitBytes: 256 * 1024, uploadLimitBytes: 256 * 1024 },
    { logger: createJsonLogger("debug", { write: (l: string) => logLines.push(l) }) },
  );
  sandboxId = await t.createSandbox();
});
after(async () => {
  await t?.close();
});

const routeFamilies: Array<[string, "GET" | "POST" | "PUT" | "DELETE", () => string]> = [
  ["sandboxes list", "GET", () => "/v1/sandboxes"],
  ["sandbox create", "POST", () => "/v1/sandboxes"],
  ["sandbox get", "GET", () => `/v1/sandboxes/${sandboxId}`],
  ["sandbox delete", "DELETE", () => `/v1/sandboxes/${sandboxId}`],
  ["exec", "POST", () => `/v1/sandboxes/${sandboxId}/exec`],
  ["execs", "GET", () => `/v1/sandboxes/${sandboxId}/execs`],
  ["stdin", "POST", () => `/v1/sandboxes/${sandboxId}/execs/x/stdin`],
  ["file read", "GET", () => `/v1/sandboxes/${sandboxId}/files?path=a`],
  ["file write", "PUT", () => `/v1/sandboxes/${sandboxId}/files?path=a`],
  ["tar upload", "PUT", () => `/v1/sandboxes/${sandboxId}/files/tar?path=.`],
  ["events", "GET", () => "/v1/events"],
  ["tokens", "GET", () => "/v1/tokens"],
  ["info", "GET", () => "/v1/info"],
  ["unknown /v1 route", "GET", () => "/v1/nothing-here"],
];

void describe("authentication", () => {
  for (const [name, method, path] of routeFamilies) {
    void it(`${name}: no token → 401 UNAUTHENTICATED with a hint`, async () => {
      const res = await t.api(method, path(), {
        token: null,
        ...(method === "GET" || method === "DELETE" ? {} : { body: {} }),
      });
      assert.equal(res.statusCode, 401, res.body);
      const error = errorOf(res);
      assert.equal(error.code, "UNAUTHENTICATED");
      assert.match(error.hint ?? "", /credentials\.json|Bearer/);
    });
  }

  void it("a wrong token, a malformed header and a query token on a plain route are all 401", async () => {
    assert.equal((await t.api("GET", "/v1/sandboxes", { token: "c8s_not-a-real-token" })).statusCode, 401);
    const malformed = await t.server.inject({
      method: "GET",
      url: "/v1/sandboxes",
      headers: { authorization: "Basic abc" },
    });
    assert.equal(malformed.statusCode, 401);
    assert.equal(errorOf(malformed).code, "UNAUTHENTICATED");
    const query = await t.api("GET", `/v1/sandboxes?access_token=${t.token}`, { token: null });
    assert.equal(query.statusCode, 401);
  });

  void it("WebSocket routes refuse the upgrade without a token and accept ?access_token=", async () => {
    await assert.rejects(
      openWs(t.url, `/v1/sandboxes/${sandboxId}/exec/stream`),
      (e: { status?: number; body?: string }) => {
        assert.equal(e.status, 401);
        assert.match(e.body ?? "", /UNAUTHENTICATED/);
        return true;
      },
    );
    const ws = await openWs(
      t.url,
      `/v1/sandboxes/${sandboxId}/exec/stream?access_token=${encodeURIComponent(t.token)}`,
    );
    ws.send({ type: "start", command: ["true"] });
    await ws.waitFor((f) => f.some((x) => x.type === "exit"), "exit frame");
    ws.socket.close();
  });

  void it("unauthenticated probes and documents need no token", async () => {
    for (const path of ["/healthz", "/readyz", "/metrics", "/openapi.json"]) {
      const res = await t.api("GET", path, { token: null });
      assert.equal(res.statusCode, 200, `${path}: ${res.body}`);
    }
  });

  void it("tokens: admin creates a member token that works but cannot manage tokens; revoked → 401", async () => {
    const created = await t.api("POST", "/v1/tokens", { body: { name: "ci" } });
    assert.equal(created.statusCode, 201, created.body);
    const { id, token, role, team } = created.json() as { id: string; token: string; role: string; team: string };
    assert.deepEqual([role, team], ["member", "default"]);
    assert.equal((await t.api("GET", "/v1/sandboxes", { token })).statusCode, 200);
    const denied = await t.api("GET", "/v1/tokens", { token });
    assert.equal(denied.statusCode, 403);
    assert.equal(errorOf(denied).code, "PERMISSION_DENIED");
    const list = (await t.api("GET", "/v1/tokens")).json() as { tokens: Array<Record<string, unknown>> };
    assert.ok(list.tokens.some((x) => x["id"] === id));
    assert.ok(list.tokens.every((x) => !("hash" in x) && !("token" in x)));
    assert.equal((await t.api("DELETE", `/v1/tokens/${id}`)).statusCode, 204);
    assert.equal((await t.api("GET", "/v1/sandboxes", { token })).statusCode, 401);
    assert.equal((await t.api("DELETE", "/v1/tokens/tok_nope")).statusCode, 404);
  });
});

void describe("validation and limits", () => {
  void it("an unknown field is a 400 naming it, and nothing is created", async () => {
    const before = ((await t.api("GET", "/v1/sandboxes")).json() as { sandboxes: unknown[] }).sandboxes.length;
    const res = await t.api("POST", "/v1/sandboxes", { body: { imagee: "alpine" } });
    assert.equal(res.statusCode, 400);
    assert.equal(errorOf(res).code, "VALIDATION_FAILED");
    assert.equal(errorOf(res).details["field"], "imagee");
    const afterCount = ((await t.api("GET", "/v1/sandboxes")).json() as { sandboxes: unknown[] }).sandboxes.length;
    assert.equal(afterCount, before);
  });

  void it("a wrong type names the nested field", async () => {
    const res = await t.api("POST", "/v1/sandboxes", { body: { limits: { pids: "many" } } });
    assert.equal(res.statusCode, 400);
    assert.equal(errorOf(res).details["field"], "limits.pids");
    const exec = await t.api("POST", `/v1/sandboxes/${sandboxId}/exec`, { body: { command: "echo hi" } });
    assert.equal(exec.statusCode, 400);
    assert.equal(errorOf(exec).details["field"], "command");
  });

  void it("bad query parameters are named too", async () => {
    const res = await t.api("GET", "/v1/sandboxes?limit=lots");
    assert.equal(res.statusCode, 400);
    assert.equal(errorOf(res).details["field"], "limit");
    const unknown = await t.api("GET", "/v1/events?aftr=3");
    assert.equal(errorOf(unknown).details["field"], "aftr");
  });

  void it("malformed JSON is 400 VALIDATION_FAILED on the body", async () => {
    const res = await t.api("POST", "/v1/sandboxes", {
      payload: "{not json",
      headers: { "content-type": "application/json" },
    });
    assert.equal(res.statusCode, 400);
    assert.equal(errorOf(res).code, "VALIDATION_FAILED");
    assert.equal(errorOf(res).details["field"], "body");
  });

  void it("an oversized JSON body is 413 PAYLOAD_TOO_LARGE naming the limit", async () => {
    const res = await t.api("POST", `/v1/sandboxes/${sandboxId}/exec`, {
      body: { command: ["cat"], stdin: "x".repeat(300 * 1024) },
    });
    assert.equal(res.statusCode, 413);
    const error = errorOf(res);
    assert.equal(error.code, "PAYLOAD_TOO_LARGE");
    assert.equal(error.details["limitBytes"], 256 * 1024);
    assert.match(error.message, /262144-byte limit/);
  });

  void it("an oversized upload is 413 and the file is not written", async () => {
    const res = await t.api("PUT", `/v1/sandboxes/${sandboxId}/files?path=big.bin`, {
      payload: Buffer.alloc(300 * 1024, 1),
      headers: { "content-type": "application/octet-stream" },
    });
    assert.equal(res.statusCode, 413);
    assert.equal(errorOf(res).code, "PAYLOAD_TOO_LARGE");
    const stat = await t.api("GET", `/v1/sandboxes/${sandboxId}/files/stat?path=big.bin`);
    assert.equal(stat.statusCode, 404);
  });

  void it("an unknown sandbox is 404 SANDBOX_NOT_FOUND", async () => {
    const res = await t.api("GET", "/v1/sandboxes/sbx_doesnotexist");
    assert.equal(res.statusCode, 404);
    assert.equal(errorOf(res).code, "SANDBOX_NOT_FOUND");
  });

  void it("logs name routes but never tokens, query strings or bodies", async () => {
    await t.api("POST", `/v1/sandboxes/${sandboxId}/exec?encoding=utf8`, {
      body: { command: ["true"], stdin: "body-marker-7f3a" },
    });
    await t.api("GET", `/v1/sandboxes?access_token=${t.token}`, { token: null });
    const text = logLines.join("");
    assert.match(text, /\/v1\/sandboxes\/:id\/exec/);
    assert.ok(!text.includes(t.token), "the admin token leaked into the log");
    assert.ok(!text.includes(t.token.slice(4)), "the admin token leaked into the log");
    assert.ok(!text.includes("body-marker-7f3a"), "a request body leaked into the log");
    assert.ok(!text.includes("encoding=utf8"), "a query string leaked into the log");
  });
});
