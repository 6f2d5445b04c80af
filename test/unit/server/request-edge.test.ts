/** The request edge's pure checks, the parser-error answers, 405's methods and the implied responses. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { C8sError } from "../../../src/errors/index.ts";
import { fromParserError, routeMissing } from "../../../src/server/http-errors.ts";
import {
  checkHeaders,
  checkRequestTarget,
  MAX_URL_BYTES,
  refuseWhenShuttingDown,
} from "../../../src/server/request-edge.ts";
import { RouteRegistry } from "../../../src/server/route-registry.ts";
import { impliedResponses } from "../../../src/server/route-responses.ts";

void describe("checkRequestTarget", () => {
  const table: Array<[string, string | undefined, string | undefined]> = [
    ["/v1/sandboxes?state=running&label=a%3Db", undefined, undefined],
    ["/v1/sandboxes/sbx_1/files?path=caf%C3%A9+au+lait", undefined, undefined],
    ["/v1/sandboxes/%00", "INVALID_ARGUMENT", "path"],
    ["/v1/sandboxes/%C3%28", "INVALID_ARGUMENT", "path"],
    ["/v1/sandboxes/%E0%A4%A", "INVALID_ARGUMENT", "path"],
    ["/v1/sandboxes?run=%00", "INVALID_ARGUMENT", "query"],
    ["/v1/sandboxes?run=%zz", "INVALID_ARGUMENT", "query"],
    ["/v1/sandboxes?run=%ED%A0%80", "INVALID_ARGUMENT", "query"],
    [`/v1/sandboxes?run=${"a".repeat(MAX_URL_BYTES)}`, "URI_TOO_LONG", "url"],
  ];
  for (const [url, code, field] of table) {
    void it(`${url.slice(0, 50)} → ${code ?? "accepted"}`, () => {
      const error = checkRequestTarget(url);
      assert.equal(error?.code, code);
      assert.equal(error?.details["field"], field);
    });
  }
});

void describe("checkHeaders", () => {
  void it("accepts ASCII and UTF-8 values, refuses NUL and non-UTF-8 bytes naming the header only", () => {
    assert.equal(
      checkHeaders(["Accept", "application/json", "X-Name", Buffer.from("café").toString("latin1")]),
      undefined,
    );
    const bad = checkHeaders(["Authorization", "Bearer \xff\xfe-secret"]);
    assert.equal(bad?.code, "INVALID_ARGUMENT");
    assert.equal(bad?.details["header"], "authorization");
    assert.doesNotMatch(JSON.stringify(bad?.toJSON()), /secret/);
    assert.equal(checkHeaders(["X-A", "a\0b"])?.code, "INVALID_ARGUMENT");
  });
});

void describe("fromParserError", () => {
  const parserError = (code: string, rawPacket?: Buffer) =>
    Object.assign(new Error("Parse Error"), { code, reason: "why", rawPacket });
  void it("maps Node's parser errors to c8s codes", () => {
    assert.equal(fromParserError(parserError("HPE_INVALID_URL")).code, "INVALID_ARGUMENT");
    assert.equal(fromParserError(parserError("HPE_INVALID_METHOD")).httpStatus, 400);
    assert.equal(fromParserError(parserError("ERR_HTTP_REQUEST_TIMEOUT")).code, "REQUEST_TIMEOUT");
    const headers = parserError("HPE_HEADER_OVERFLOW", Buffer.from(`GET / HTTP/1.1\r\nx: ${"a".repeat(100)}`));
    assert.equal(fromParserError(headers).code, "HEADERS_TOO_LARGE");
    const target = parserError("HPE_HEADER_OVERFLOW", Buffer.from(`GET /?q=${"a".repeat(100)}`));
    assert.equal(fromParserError(target).code, "URI_TOO_LONG");
  });
});

void describe("404 or 405", () => {
  const registry = new RouteRegistry();
  const base = { summary: "s", tag: "t", auth: "token" as const, scope: "sandboxes:read" as const, responses: {} };
  registry.add({ ...base, method: "GET", url: "/v1/sandboxes/:id" });
  registry.add({ ...base, method: "DELETE", url: "/v1/sandboxes/:id" });
  registry.add({ ...base, method: "GET", url: "/v1/sandboxes/:id/files/list" });
  void it("names the methods a concrete path has", () => {
    assert.deepEqual(registry.methodsAt("/v1/sandboxes/sbx_1").sort(), ["DELETE", "GET"]);
    assert.deepEqual(registry.methodsAt("/v1/sandboxes/sbx_1/files/list"), ["GET"]);
    assert.deepEqual(registry.methodsAt("/v1/sandboxes/"), []);
    assert.deepEqual(registry.methodsAt("/v1/nothing"), []);
  });
  void it("is NOT_FOUND without methods, METHOD_NOT_ALLOWED with them", () => {
    assert.equal(routeMissing("GET", "/x", []).code, "NOT_FOUND");
    const e = routeMissing("PUT", "/v1/sandboxes/sbx_1", ["GET", "DELETE"]);
    assert.equal(e.httpStatus, 405);
    assert.deepEqual(e.details["allowed"], ["GET", "DELETE"]);
  });
});

void describe("impliedResponses", () => {
  void it("derives the framework's statuses from the declaration", () => {
    const open = impliedResponses({ method: "GET", auth: "none" });
    assert.deepEqual(Object.keys(open).map(Number), [400, 414, 431, 500, 503]);
    const json = impliedResponses({
      method: "POST",
      auth: "token",
      scope: "sandboxes:write",
      owns: "sandbox",
      params: z.object({}),
      body: z.object({}),
    });
    assert.deepEqual(Object.keys(json).map(Number), [400, 401, 403, 404, 413, 414, 415, 431, 500, 503]);
    const raw = impliedResponses({ method: "PUT", auth: "token", scope: "files:write", body: { raw: "*/*" } });
    assert.ok(413 in raw && !(415 in raw));
  });
});

void describe("refuseWhenShuttingDown", () => {
  void it("lets requests through until shutdown, then answers SERVER_SHUTTING_DOWN (503)", async () => {
    const shutdown = new AbortController();
    const hook = refuseWhenShuttingDown(shutdown.signal);
    await hook();
    shutdown.abort();
    await assert.rejects(hook(), (e: unknown) => {
      assert.ok(e instanceof C8sError);
      assert.equal(e.code, "SERVER_SHUTTING_DOWN");
      assert.equal(e.httpStatus, 503);
      return true;
    });
  });
});
