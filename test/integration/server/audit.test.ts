/** The audit trail through a real server: mutating calls recorded with who and what, never bodies. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startTestServer } from "../../fixtures/server.ts";

void test("mutating calls are audited (created id, status, token), reads are not, and no body is kept", async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const id = await server.createSandbox({ env: { SECRETISH: "body-value-never-kept" } });
  const denied = await server.api("DELETE", "/v1/sandboxes/sbx_nope");
  assert.equal(denied.statusCode, 404);
  await server.api("GET", `/v1/sandboxes/${id}`);
  const res = await server.api("GET", "/v1/audit");
  assert.equal(res.statusCode, 200, res.body);
  const entries = (res.json() as { entries: { action: string; resourceId: string; status: number; tokenId: string }[] })
    .entries;
  const actions = entries.map((e) => [e.action, e.resourceId, e.status]);
  assert.deepEqual(actions.slice(0, 2), [
    ["DELETE /v1/sandboxes/:id", "sbx_nope", 404],
    ["POST /v1/sandboxes", id, 201],
  ]);
  assert.ok(entries.every((e) => typeof e.tokenId === "string" && e.tokenId.startsWith("tok_")));
  assert.ok(!res.body.includes("body-value-never-kept"));
  assert.ok(!entries.some((e) => e.action.startsWith("GET")));
});
