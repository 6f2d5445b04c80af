/** Shutdown never waits on a client: refused upgrades are closed, open WebSockets get 1001. */
import assert from "node:assert/strict";
import { test } from "node:test";
import WebSocket from "ws";
import { startTestServer } from "../../fixtures/server.ts";

void test(
  "a refused WebSocket upgrade is closed by the server and does not hold up shutdown",
  { timeout: 60_000 },
  async () => {
    const t = await startTestServer();
    const id = await t.createSandbox();
    const ws = new WebSocket(`${t.url.replace(/^http/, "ws")}/v1/sandboxes/${id}/exec/stream`);
    const status = await new Promise<number>((resolve) =>
      // A client that reads the refusal and then does nothing: the server must end the connection.
      ws.once("unexpected-response", (_req, res) => {
        res.resume();
        res.socket.once("close", () => resolve(res.statusCode ?? 0));
      }),
    );
    assert.equal(status, 401);
    await t.close();
  },
);

void test("an open WebSocket is closed with 1001 when the server shuts down", { timeout: 60_000 }, async () => {
  const t = await startTestServer();
  const id = await t.createSandbox();
  const ws = new WebSocket(
    `${t.url.replace(/^http/, "ws")}/v1/sandboxes/${id}/exec/stream?access_token=${encodeURIComponent(t.token)}`,
  );
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  const closed = new Promise<number>((resolve) => ws.once("close", resolve));
  await t.close();
  assert.equal(await closed, 1001);
});
