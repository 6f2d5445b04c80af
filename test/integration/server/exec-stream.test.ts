/** The WebSocket exec stream: stdin, exit, bad frames, TTY resize, and reconnect with a cursor. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestServer, type TestServer } from "../../fixtures/server.ts";
import { openWs, outputOf, type Frame } from "../../fixtures/server-ws.ts";

let t: TestServer;
let sandboxId: string;

before(async () => {
  t = await startTestServer();
  sandboxId = await t.createSandbox();
});
after(async () => {
  await t?.close();
});

const b64 = (s: string) => Buffer.from(s).toString("base64");
const outputs = (frames: Frame[]) => frames.filter((f) => f.type === "output");
const hasExit = (frames: Frame[]) => frames.some((f) => f.type === "exit");
const ECHO_LOOP = ["/bin/sh", "-c", 'while read l; do echo "got $l"; done; echo bye'];

void describe("exec stream", () => {
  void it("starts, takes stdin and stdin_eof, reports exit and closes with 1000", async () => {
    const ws = await openWs(t.url, `/v1/sandboxes/${sandboxId}/exec/stream`, { token: t.token });
    ws.send({ type: "start", command: ECHO_LOOP });
    ws.send({ type: "stdin", data: b64("one\n") });
    ws.send({ type: "stdin", data: b64("two\n") });
    ws.send({ type: "stdin_eof" });
    const frames = await ws.waitFor(hasExit, "exit");
    assert.equal(frames[0]?.type, "started");
    assert.equal(typeof frames[0]?.["execId"], "string");
    assert.equal(outputOf(frames, "stdout"), "got one\ngot two\nbye\n");
    const seqs = outputs(frames).map((f) => f["seq"]);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i),
    );
    assert.equal(frames.at(-1)?.type, "exit");
    assert.equal(frames.at(-1)?.["exitCode"], 0);
    assert.equal(await ws.closed, 1000);
  });

  void it("separates stderr and reports non-zero exits", async () => {
    const ws = await openWs(t.url, `/v1/sandboxes/${sandboxId}/exec/stream`, { token: t.token });
    ws.send({ type: "start", command: ["/bin/sh", "-c", "echo o; echo e >&2; exit 3"], stdin: false });
    const frames = await ws.waitFor(hasExit, "exit");
    assert.equal(outputOf(frames, "stdout"), "o\n");
    assert.equal(outputOf(frames, "stderr"), "e\n");
    assert.equal(frames.find((f) => f.type === "exit")?.["exitCode"], 3);
  });

  void it("answers an invalid start message with an error frame naming the field", async () => {
    const ws = await openWs(t.url, `/v1/sandboxes/${sandboxId}/exec/stream`, { token: t.token });
    ws.send({ type: "start", command: ["true"], bogus: 1 });
    const frames = await ws.waitFor((f) => f.some((x) => x.type === "error"), "error");
    const error = frames.find((f) => f.type === "error");
    assert.equal(error?.["code"], "VALIDATION_FAILED");
    assert.equal((error?.["details"] as Record<string, unknown>)["field"], "bogus");
    assert.equal(await ws.closed, 1008);
  });

  void it("refuses the upgrade for an unknown sandbox with 404", async () => {
    await assert.rejects(
      openWs(t.url, "/v1/sandboxes/sbx_nope/exec/stream", { token: t.token }),
      (e: { status?: number }) => e.status === 404,
    );
  });

  void it("a client that reconnects with ?cursor= gets every chunk exactly once, in order", async () => {
    const first = await openWs(t.url, `/v1/sandboxes/${sandboxId}/exec/stream`, { token: t.token });
    first.send({ type: "start", command: ECHO_LOOP });
    first.send({ type: "stdin", data: b64("a\n") });
    await first.waitFor((f) => outputOf(f, "stdout").includes("got a\n"), "first output");
    const execId = String(first.frames[0]?.["execId"]);
    first.socket.terminate(); // a network failure, not a clean close
    await first.closed;
    const seenFirst = outputs(first.frames);
    const cursor = Number(seenFirst.at(-1)?.["seq"]) + 1;

    // Output produced while nobody is attached.
    for (const line of ["b\n", "c\n"]) {
      const res = await t.server.inject({
        method: "POST",
        url: `/v1/sandboxes/${sandboxId}/execs/${execId}/stdin`,
        headers: { authorization: `Bearer ${t.token}`, "content-type": "application/octet-stream" },
        payload: line,
      });
      assert.equal(res.statusCode, 204, res.body);
    }
    // A second, independent viewer from the start sees the whole history.
    const full = await openWs(t.url, `/v1/sandboxes/${sandboxId}/execs/${execId}/attach?cursor=0`, { token: t.token });
    const second = await openWs(t.url, `/v1/sandboxes/${sandboxId}/execs/${execId}/attach?cursor=${cursor}`, {
      token: t.token,
    });
    await second.waitFor((f) => outputOf(f, "stdout").includes("got c\n"), "output made while detached");
    second.send({ type: "stdin", data: b64("d\n") });
    second.send({ type: "stdin_eof" });
    await second.waitFor(hasExit, "exit after reconnect");
    await full.waitFor(hasExit, "exit on the full viewer");

    const seqs = [...seenFirst, ...outputs(second.frames)].map((f) => Number(f["seq"]));
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i),
      "no gap and no duplicate across the reconnect",
    );
    assert.equal(outputOf([...seenFirst, ...second.frames], "stdout"), "got a\ngot b\ngot c\ngot d\nbye\n");
    assert.equal(outputOf(full.frames, "stdout"), "got a\ngot b\ngot c\ngot d\nbye\n");
    assert.deepEqual(
      outputs(full.frames).map((f) => f["seq"]),
      seqs,
    );
  });

  void it("resizes a TTY exec", async (ctx) => {
    const info = (await t.api("GET", "/v1/info")).json() as { capabilities: { tty?: boolean } };
    if (info.capabilities.tty !== true) return ctx.skip("this runtime has no TTY support");
    const ws = await openWs(t.url, `/v1/sandboxes/${sandboxId}/exec/stream`, { token: t.token });
    ws.send({
      type: "start",
      command: ["/bin/sh", "-c", "stty size; read x; stty size"],
      tty: { rows: 30, cols: 100 },
    });
    await ws.waitFor((f) => outputOf(f, "stdout").includes("30 100"), "initial size");
    ws.send({ type: "resize", rows: 40, cols: 120 });
    ws.send({ type: "stdin", data: b64("\r") });
    const frames = await ws.waitFor(hasExit, "exit");
    assert.match(outputOf(frames, "stdout"), /40 120/);
  });
});
