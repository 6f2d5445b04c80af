/** Events (JSON and SSE with resume), metrics, OpenAPI, info, probes and the composition root's files. */
import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openApiPath } from "../../../src/server/openapi.ts";
import { startTestServer, type TestServer } from "../../fixtures/server.ts";
import { readSse } from "../../fixtures/server-ws.ts";

let t: TestServer;
let sandboxId: string;

interface Event {
  seq: number;
  sandboxId: string;
  type: string;
}

before(async () => {
  t = await startTestServer();
  sandboxId = await t.createSandbox();
  const r = await t.api("POST", `/v1/sandboxes/${sandboxId}/exec`, { body: { command: ["/bin/sh", "-c", "exit 2"] } });
  assert.equal(r.statusCode, 200, r.body);
});
after(async () => {
  await t?.close();
});

void describe("events", () => {
  void it("JSON mode lists stored events after a seq, filtered by sandbox", async () => {
    const all = (await t.api("GET", `/v1/events?sandbox=${sandboxId}`)).json() as { events: Event[] };
    const types = all.events.map((e) => e.type);
    assert.ok(types.includes("sandbox.created"), types.join());
    assert.ok(types.includes("exec.finished"), types.join());
    assert.ok(all.events.every((e) => e.sandboxId === sandboxId));
    const pivot = all.events[1]?.seq ?? 0;
    const later = (await t.api("GET", `/v1/events?sandbox=${sandboxId}&after=${pivot}`)).json() as { events: Event[] };
    assert.deepEqual(
      later.events.map((e) => e.seq),
      all.events.filter((e) => e.seq > pivot).map((e) => e.seq),
    );
  });

  void it("SSE resumes after a seq (query or Last-Event-ID) and then follows live events", async () => {
    const stored = ((await t.api("GET", `/v1/events?sandbox=${sandboxId}`)).json() as { events: Event[] }).events;
    const resumeFrom = stored[0]?.seq ?? 0;
    const expected = stored.filter((e) => e.seq > resumeFrom);
    const res = await readSse(
      t.url,
      `/v1/events?follow=true&sandbox=${sandboxId}&after=${resumeFrom}`,
      t.token,
      expected.length,
    );
    assert.equal(res.status, 200);
    assert.match(res.contentType, /^text\/event-stream/);
    assert.deepEqual(
      res.events.map((e) => Number(e.id)),
      expected.map((e) => e.seq),
    );
    assert.deepEqual(
      res.events.map((e) => e.event),
      expected.map((e) => e.type),
    );
    assert.equal((JSON.parse(res.events[0]?.data ?? "{}") as Event).seq, expected[0]?.seq);

    const lastSeq = stored.at(-1)?.seq ?? 0;
    const live = readSse(t.url, `/v1/events?follow=true&sandbox=${sandboxId}`, t.token, 2, {
      "last-event-id": String(lastSeq),
    });
    const r = await t.api("POST", `/v1/sandboxes/${sandboxId}/exec`, { body: { command: ["true"] } });
    assert.equal(r.statusCode, 200);
    const followed = await live;
    assert.deepEqual(
      followed.events.map((e) => e.event),
      ["exec.started", "exec.finished"],
    );
    assert.ok(followed.events.every((e) => Number(e.id) > lastSeq));
  });
});

void describe("metrics", () => {
  void it("expose sandboxes by state, create and exec histograms, terminations and HTTP counts", async () => {
    const doomed = await t.createSandbox();
    assert.equal((await t.api("DELETE", `/v1/sandboxes/${doomed}`)).statusCode, 200);
    // The metrics follow the engine's event stream; wait until the termination is counted.
    let text = "";
    for (let i = 0; i < 100; i++) {
      const res = await t.api("GET", "/metrics", { token: null });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers["content-type"]), /^text\/plain; version=0\.0\.4/);
      text = res.body;
      if (/c8s_sandbox_terminations_total\{reason="killed"\} [1-9]/.test(text)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(text, /^c8s_sandboxes\{state="running",purpose="sandbox"\} [1-9]\d*$/m);
    assert.match(text, /^c8s_sandboxes\{state="running",purpose="step"\} 0$/m);
    assert.match(text, /^c8s_sandboxes_created_total\{purpose="sandbox"\} [1-9]\d*$/m);
    assert.match(text, /^# TYPE c8s_sandbox_create_seconds histogram$/m);
    assert.match(text, /^c8s_sandbox_create_seconds_count [1-9]\d*$/m);
    assert.match(text, /^c8s_exec_duration_seconds_count\{reason="exit"\} [1-9]\d*$/m);
    assert.match(text, /^c8s_sandbox_terminations_total\{reason="killed"\} [1-9]\d*$/m);
    assert.match(text, /^c8s_http_requests_total\{method="POST",route="\/v1\/sandboxes",status="201"\} [1-9]\d*$/m);
  });
});

void describe("system routes", () => {
  void it("/openapi.json documents every route the server serves", async () => {
    const doc = (await t.api("GET", "/openapi.json", { token: null })).json() as {
      openapi: string;
      paths: Record<string, Record<string, { responses: object; security?: unknown[] }>>;
    };
    assert.equal(doc.openapi, "3.1.0");
    const expected = [
      "post /v1/sandboxes",
      "get /v1/sandboxes",
      "get /v1/sandboxes/{id}",
      "delete /v1/sandboxes/{id}",
      "post /v1/sandboxes/{id}/exec",
      "post /v1/sandboxes/{id}/execs",
      "get /v1/sandboxes/{id}/execs",
      "get /v1/sandboxes/{id}/execs/{execId}",
      "post /v1/sandboxes/{id}/execs/{execId}/kill",
      "post /v1/sandboxes/{id}/execs/{execId}/stdin",
      "get /v1/sandboxes/{id}/execs/{execId}/attach",
      "get /v1/sandboxes/{id}/exec/stream",
      "get /v1/sandboxes/{id}/files",
      "put /v1/sandboxes/{id}/files",
      "delete /v1/sandboxes/{id}/files",
      "get /v1/sandboxes/{id}/files/list",
      "get /v1/sandboxes/{id}/files/stat",
      "post /v1/sandboxes/{id}/files/mkdir",
      "get /v1/sandboxes/{id}/files/tar",
      "put /v1/sandboxes/{id}/files/tar",
      "get /v1/events",
      "post /v1/tokens",
      "get /v1/tokens",
      "delete /v1/tokens/{id}",
      "get /v1/info",
      "get /healthz",
      "get /readyz",
      "get /metrics",
      "get /openapi.json",
      // pipeline runs (src/server/routes/runs*.ts, webhooks.ts, secrets.ts)
      "post /v1/runs",
      "get /v1/runs",
      "get /v1/runs/{id}",
      "post /v1/runs/{id}/cancel",
      "post /v1/runs/{id}/rerun",
      "get /v1/runs/{id}/steps/{step}/logs",
      "post /v1/webhooks/github",
      "post /v1/webhooks/gitlab",
      "post /v1/secrets",
      "get /v1/secrets",
      "delete /v1/secrets/{name}",
    ];
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    // Other areas (pipelines) may add routes; the core ones must all be there.
    for (const route of expected) assert.ok(documented.includes(route), `${route} is not documented`);
    // Every route Fastify actually serves is documented (no undocumented route).
    const served = t.server.c8sRoutes.routes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`);
    assert.deepEqual([...served].sort(), [...documented].sort());
    const create = doc.paths["/v1/sandboxes"]?.["post"] as unknown as {
      requestBody: { content: Record<string, { schema: { additionalProperties?: boolean } }> };
    };
    assert.equal(create.requestBody.content["application/json"]?.schema.additionalProperties, false);
    assert.deepEqual(doc.paths["/healthz"]?.["get"]?.security, []);
  });

  void it("/v1/info, /healthz and /readyz answer", async () => {
    const info = (await t.api("GET", "/v1/info")).json() as {
      version: string;
      runtime: string;
      capabilities: { name: string };
    };
    assert.equal(info.version, "0.0.0-test");
    assert.equal(info.runtime, "local");
    assert.equal(info.capabilities.name, "local");
    const ready = (await t.api("GET", "/readyz", { token: null })).json() as {
      status: string;
      checks: Record<string, { ok: boolean }>;
    };
    assert.equal(ready.status, "ok");
    assert.equal(ready.checks["store"]?.ok, true);
    assert.equal(ready.checks["runtime"]?.ok, true);
  });

  void it("an unknown route is 404 NOT_FOUND in the error shape", async () => {
    const res = await t.api("GET", "/nope", { token: null });
    assert.equal(res.statusCode, 404);
    assert.equal((res.json() as { error: { code: string } }).error.code, "NOT_FOUND");
  });
});

void describe("composition root", () => {
  void it("writes server.json and a 0600 credentials.json with the real port; listens on 127.0.0.1", async () => {
    const server = JSON.parse(await readFile(join(t.home, "server.json"), "utf8")) as { url: string; pid: number };
    assert.equal(server.url, t.url);
    assert.match(t.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(t.url).port, "0");
    assert.equal(server.pid, process.pid);
    const credentialsPath = join(t.home, "credentials.json");
    const credentials = JSON.parse(await readFile(credentialsPath, "utf8")) as { url: string; token: string };
    assert.deepEqual(credentials, { url: t.url, token: t.token });
    assert.equal((await stat(credentialsPath)).mode & 0o777, 0o600);
  });
});
