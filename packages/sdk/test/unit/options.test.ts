import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_URL, InvalidArgumentError, resolveConnection, toArgv } from "../../src/index.ts";
import { parseServerSentEvents } from "../../src/events.ts";
import { toWebSocketUrl } from "../../src/options.ts";

void test("arguments win over the environment", () => {
  const c = resolveConnection({ url: "http://a:1", token: "t1" }, { C8S_URL: "http://b:2", C8S_TOKEN: "t2" });
  assert.equal(c.url, "http://a:1");
  assert.equal(c.token, "t1");
});

void test("the environment fills what the arguments leave out", () => {
  const c = resolveConnection({}, { C8S_URL: "http://b:2/", C8S_TOKEN: "t2" });
  assert.equal(c.url, "http://b:2");
  assert.equal(c.token, "t2");
});

void test("defaults: local server, no token, 60 s request timeout, 8 reconnects", () => {
  const c = resolveConnection({}, {});
  assert.equal(c.url, DEFAULT_URL);
  assert.equal(c.token, undefined);
  assert.equal(c.requestTimeoutMs, 60_000);
  assert.equal(c.maxReconnects, 8);
  assert.equal(resolveConnection({}, { C8S_URL: "", C8S_TOKEN: "" }).token, undefined);
});

void test("a bad URL or option is an InvalidArgumentError naming the field", () => {
  for (const [options, field] of [
    [{ url: "not a url" }, "url"],
    [{ url: "ftp://x" }, "url"],
    [{ requestTimeoutMs: -1 }, "requestTimeoutMs"],
    [{ maxReconnects: 1.5 }, "maxReconnects"],
  ] as const) {
    assert.throws(
      () => resolveConnection(options, {}),
      (e: unknown) => e instanceof InvalidArgumentError && e.details["field"] === field && e.hint !== undefined,
    );
  }
});

void test("WebSocket URLs follow the HTTP scheme", () => {
  assert.equal(toWebSocketUrl("http://h:1/v1/x?a=1"), "ws://h:1/v1/x?a=1");
  assert.equal(toWebSocketUrl("https://h/v1"), "wss://h/v1");
});

void test("a string command is the shell form, an array the argv form", () => {
  assert.deepEqual(toArgv("echo $HOME | wc"), ["/bin/sh", "-c", "echo $HOME | wc"]);
  assert.deepEqual(toArgv(["ls", "-l", "a b"]), ["ls", "-l", "a b"]);
  assert.throws(() => toArgv([]));
});

void test("SSE parsing joins data lines and splits on blank lines across chunk boundaries", async () => {
  const enc = new TextEncoder();
  async function* chunks() {
    yield enc.encode('id: 1\nevent: sandbox.created\ndata: {"seq":1');
    yield enc.encode("}\n\n: comment\n\nid: 2\r\ndata: a\r\ndata: b\r\n\r\n");
  }
  const out: string[] = [];
  for await (const payload of parseServerSentEvents(chunks())) out.push(payload);
  assert.deepEqual(out, ['{"seq":1}', "a\nb"]);
});

void test("query strings: undefined is left out, arrays repeat the parameter, values are encoded", async () => {
  const { ApiClient } = await import("../../src/http.ts");
  const api = new ApiClient(resolveConnection({ url: "http://h:1" }, {}));
  assert.equal(
    api.url("/v1/sandboxes", { state: "running", limit: undefined, label: ["a=1", "b=x y"] }),
    "http://h:1/v1/sandboxes?state=running&label=a%3D1&label=b%3Dx+y",
  );
  assert.equal(api.wsUrl("/v1/x", { cursor: 5 }), "ws://h:1/v1/x?cursor=5");
  assert.deepEqual(api.authHeaders(), {});
});
