/** The dashboard's pure parts: escaping, the ANSI converter, the DAG layout, sessions and their checks. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { FastifyRequest } from "fastify";
import { ansiToHtml, createAnsiParser, segmentsToHtml } from "../../../src/dashboard/assets/ansi.js";
import { html, raw } from "../../../src/dashboard/html.ts";
import { layoutDag, renderDag } from "../../../src/dashboard/pages/dag.ts";
import { safeNext } from "../../../src/dashboard/pages/login.ts";
import { duration, relativeTime } from "../../../src/dashboard/format.ts";
import { BrowserSessions, SESSION_TTL_MS, cookieValue } from "../../../src/server/browser-sessions.ts";

void test("html escapes every interpolation, nested Html and raw() pass through, arrays join", () => {
  const name = `<script>alert("x")</script>&'`;
  assert.equal(
    html`<p title="${name}">${name}</p>`.value,
    `<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>`,
  );
  const items = ["a<", "b"].map((x) => html`<li>${x}</li>`);
  // prettier-ignore
  assert.equal(html`<ul>${items}</ul>`.value, "<ul><li>a&lt;</li><li>b</li></ul>");
  assert.equal(html`${raw("<b>")}${null}${undefined}${false}${0}`.value, "<b>0");
});

void test("ANSI colours become escaped spans; other sequences are dropped; markup in the log stays text", () => {
  assert.equal(ansiToHtml("\u001b[31mred\u001b[0m plain"), '<span class="ansi-fg1">red</span> plain');
  assert.equal(ansiToHtml("\u001b[1;92mok\u001b[22m"), '<span class="ansi-b ansi-fg10">ok</span>');
  assert.equal(ansiToHtml("\u001b[38;5;196mx"), '<span style="color:#ff0000">x</span>');
  assert.equal(ansiToHtml("\u001b[38;2;1;2;300my"), '<span style="color:rgb(1,2,255)">y</span>');
  assert.equal(ansiToHtml("a\u001b[2Kb\u001b]0;title\u0007c"), "abc");
  assert.equal(
    ansiToHtml("\u001b[32m<img src=x onerror=alert(1)>"),
    '<span class="ansi-fg2">&lt;img src=x onerror=alert(1)&gt;</span>',
  );
  assert.equal(ansiToHtml("line\r\nnext\rover"), "line\nnext\nover");
});

void test("an escape sequence split across chunks is held until it completes", () => {
  const parser = createAnsiParser();
  const first = segmentsToHtml(parser.push("before \u001b[3"));
  const second = segmentsToHtml(parser.push("1mred\u001b[0m"));
  assert.equal(first, "before ");
  assert.equal(second, '<span class="ansi-fg1">red</span>');
  const cr = createAnsiParser();
  assert.equal(segmentsToHtml(cr.push("a\r")) + segmentsToHtml(cr.push("\nb")), "a\nb");
});

void test("the DAG: one column per level, an edge per dependency, a box per step coloured by state", () => {
  const nodes = [
    { name: "build", dependsOn: [], level: 0 },
    { name: "lint", dependsOn: [], level: 0 },
    { name: "test", dependsOn: ["build", "lint"], level: 1 },
  ];
  const { placed, width, height } = layoutDag(nodes);
  assert.deepEqual(
    placed.map((p) => [p.name, p.x, p.y]),
    [
      ["build", 8, 8],
      ["lint", 8, 56],
      ["test", 232, 8],
    ],
  );
  assert.ok(width > 400 && height > 90);
  const svg = renderDag(
    nodes,
    (s) => (s === "test" ? "failed" : "succeeded"),
    (s) => `/runs/r?step=${s}`,
    "test",
  ).value;
  assert.equal((svg.match(/class="edge"/g) ?? []).length, 2);
  assert.match(svg, /class="node st-failed selected" data-step="test"/);
  assert.equal(
    renderDag(
      [{ name: "<x>", dependsOn: [], level: 0 }],
      () => "queued",
      () => "/",
      undefined,
    ).value.includes("<x>"),
    false,
  );
});

void test("sign-in redirects only to this server's paths", () => {
  assert.equal(safeNext("/runs/run_1?step=a"), "/runs/run_1?step=a");
  for (const bad of ["//evil.example/", "/\\evil.example", "https://evil.example", "javascript:alert(1)", 3, undefined])
    assert.equal(safeNext(bad), "/runs");
});

void test("times and durations read as a person reads them", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");
  assert.equal(relativeTime("2026-01-01T11:57:00Z", now), "3 min ago");
  assert.equal(relativeTime("2026-01-01T13:00:00Z", now), "in 1 h");
  assert.equal(duration(850), "850 ms");
  assert.equal(duration(245_000), "4 min 05 s");
});

function request(headers: Record<string, string>, method = "GET"): FastifyRequest {
  return { headers, method, protocol: "http" } as unknown as FastifyRequest;
}

void test("sessions: a cookie names a session until it expires or is revoked; the API takes it only where no other site can use it", () => {
  let now = 1_000_000;
  const sessions = new BrowserSessions(() => now);
  const { id, session } = sessions.create("tok_1");
  const cookie = `other=1; c8s_session=${id}`;
  assert.equal(cookieValue(cookie, "c8s_session"), id);
  assert.equal(sessions.forApi(request({ cookie }))?.tokenId, "tok_1", "a GET");
  assert.equal(sessions.forApi(request({})), undefined, "no cookie: no session");
  assert.throws(
    () => sessions.forApi(request({ cookie }, "POST")),
    { code: "PERMISSION_DENIED" },
    "a POST without CSRF",
  );
  assert.throws(() => sessions.forApi(request({ cookie, "x-c8s-csrf": "wrong" }, "POST")), {
    code: "PERMISSION_DENIED",
  });
  assert.equal(sessions.forApi(request({ cookie, "x-c8s-csrf": session.csrf }, "POST"))?.tokenId, "tok_1");
  const ws = { cookie, upgrade: "websocket", host: "127.0.0.1:80" };
  assert.throws(() => sessions.forApi(request({ ...ws, origin: "http://evil.example" })), {
    code: "PERMISSION_DENIED",
  });
  assert.throws(() => sessions.forApi(request(ws)), { code: "PERMISSION_DENIED" }, "a WebSocket without Origin");
  assert.equal(sessions.forApi(request({ ...ws, origin: "http://127.0.0.1:80" }))?.tokenId, "tok_1");
  now += SESSION_TTL_MS;
  assert.equal(sessions.get(id), undefined, "expired");
  const second = sessions.create("tok_2");
  sessions.revoke(second.id);
  assert.equal(sessions.get(second.id), undefined, "revoked");
});
