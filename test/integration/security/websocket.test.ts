/**
 * Hostile WebSocket messages (issue 8, deliver 2): a low-privilege client sends oversize,
 * binary, non-JSON, non-UTF-8, wrong-shape or flooding messages to the exec stream and attach
 * sockets of a real server. Each socket gets c8s's error frame and a close whose reason is the
 * c8s code, and the server keeps serving. A new hostile message is one more row.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { DEFAULT_WS_MESSAGE_BYTES } from "../../../src/server/ws-messages.ts";
import { startTestServer, type TestServer } from "../../fixtures/server.ts";

let t: TestServer;
let low: string;
let sandbox: string;

interface Outcome {
  frames: Array<Record<string, unknown>>;
  code: number;
  reason: string;
}

interface Socket {
  ws: WebSocket;
  outcome: Promise<Outcome>;
  /** Resolves with the first frame of `type`. */
  frame(type: string): Promise<Record<string, unknown>>;
}

async function connect(path: string): Promise<Socket> {
  const ws = new WebSocket(`${t.url.replace(/^http/, "ws")}${path}`, { headers: { authorization: `Bearer ${low}` } });
  const frames: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  ws.on("message", (data) => {
    frames.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  ws.on("error", () => undefined);
  const outcome = new Promise<Outcome>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`socket not closed in time; frames ${JSON.stringify(frames)}`)),
      15_000,
    );
    ws.on("close", (code, reason) => {
      clearTimeout(timer);
      resolve({ frames, code, reason: reason.toString() });
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return {
    ws,
    outcome,
    frame: (type) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} frame`)), 15_000);
        const check = (): void => {
          const found = frames.find((f) => f["type"] === type);
          if (found !== undefined) {
            clearTimeout(timer);
            resolve(found);
          } else waiters.push(check);
        };
        check();
      }),
  };
}

/** Opens the exec stream with a running `cat` (reads stdin, so later frames are control frames). */
async function started(): Promise<Socket> {
  const s = await connect(`/v1/sandboxes/${sandbox}/exec/stream`);
  s.ws.send(JSON.stringify({ type: "start", command: ["cat"] }));
  await s.frame("started");
  return s;
}

const oversize = (): string =>
  JSON.stringify({ type: "stdin", data: Buffer.alloc(DEFAULT_WS_MESSAGE_BYTES).toString("base64") });
const invalidUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);

const cases: Array<{ name: string; attack: () => Promise<Socket>; code: string; close: number; message?: RegExp }> = [
  {
    name: "an oversize start message",
    attack: async () => {
      const s = await connect(`/v1/sandboxes/${sandbox}/exec/stream`);
      s.ws.send(JSON.stringify({ type: "start", command: ["true"], env: { X: "x".repeat(DEFAULT_WS_MESSAGE_BYTES) } }));
      return s;
    },
    code: "PAYLOAD_TOO_LARGE",
    close: 1009,
    message: /1048576-byte limit/,
  },
  {
    name: "an oversize stdin frame to a running exec",
    attack: async () => {
      const s = await started();
      s.ws.send(oversize());
      return s;
    },
    code: "PAYLOAD_TOO_LARGE",
    close: 1009,
  },
  {
    name: "a binary start message",
    attack: async () => {
      const s = await connect(`/v1/sandboxes/${sandbox}/exec/stream`);
      s.ws.send(Buffer.from(JSON.stringify({ type: "start", command: ["true"] })), { binary: true });
      return s;
    },
    code: "VALIDATION_FAILED",
    close: 1008,
    message: /binary/,
  },
  {
    name: "a start message that is not JSON",
    attack: async () => {
      const s = await connect(`/v1/sandboxes/${sandbox}/exec/stream`);
      s.ws.send('{"type":"start","command":["true"]');
      return s;
    },
    code: "VALIDATION_FAILED",
    close: 1008,
    message: /not valid JSON/,
  },
  {
    name: "a text frame that is not UTF-8",
    attack: async () => {
      const s = await started();
      s.ws.send(invalidUtf8, { binary: false });
      return s;
    },
    code: "VALIDATION_FAILED",
    close: 1007,
    message: /UTF-8/,
  },
  {
    name: "a binary control frame to a running exec",
    attack: async () => {
      const s = await started();
      s.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      return s;
    },
    code: "VALIDATION_FAILED",
    close: 1008,
    message: /binary/,
  },
  {
    name: "a JSON array as a control frame",
    attack: async () => {
      const s = await started();
      s.ws.send("[1,2,3]");
      return s;
    },
    code: "VALIDATION_FAILED",
    close: 1008,
  },
  {
    name: "garbage to the attach socket",
    attack: async () => {
      const first = await started();
      const execId = (await first.frame("started"))["execId"] as string;
      first.ws.close();
      const s = await connect(`/v1/sandboxes/${sandbox}/execs/${execId}/attach`);
      s.ws.send("\u0000\u0001 not json");
      return s;
    },
    code: "VALIDATION_FAILED",
    close: 1008,
    message: /not valid JSON/,
  },
];

void describe("hostile WebSocket messages (security)", () => {
  before(async () => {
    t = await startTestServer();
    const res = await t.api("POST", "/v1/tokens", { body: { name: "ws", scopes: ["sandboxes"] } });
    low = (res.json() as { token: string }).token;
    const created = await t.api("POST", "/v1/sandboxes", { token: low, body: {} });
    sandbox = (created.json() as { id: string }).id;
  });
  after(async () => {
    await t.close();
  });

  for (const c of cases) {
    void it(
      `${c.name} → error frame ${c.code}, close ${c.close}, the server still serves`,
      { timeout: 60_000 },
      async () => {
        const s = await c.attack();
        const { frames, code, reason } = await s.outcome;
        const error = frames.find((f) => f["type"] === "error");
        assert.ok(error, `no error frame: ${JSON.stringify(frames).slice(0, 500)}`);
        assert.equal(error["code"], c.code);
        if (c.message) assert.match(String(error["message"]), c.message);
        assert.equal(code, c.close);
        assert.equal(reason, c.code);
        const health = await fetch(`${t.url}/healthz`, { signal: AbortSignal.timeout(5000) });
        assert.equal(health.status, 200);
      },
    );
  }

  void it(
    "a flood of stdin to an exec that never reads waits in the client, not in server memory",
    { timeout: 60_000 },
    async () => {
      const s = await connect(`/v1/sandboxes/${sandbox}/exec/stream`);
      s.ws.send(JSON.stringify({ type: "start", command: ["sleep", "30"] }));
      await s.frame("started");
      const chunk = JSON.stringify({ type: "stdin", data: Buffer.alloc(48 * 1024).toString("base64") });
      for (let i = 0; i < 3000; i++) s.ws.send(chunk); // ~190 MiB of frames
      await new Promise((resolve) => setTimeout(resolve, 2000));
      // The server paused reading: most of the flood is still in this client's send buffer
      // (an unbounded server-side queue would have read it all and held it).
      assert.ok(s.ws.bufferedAmount > 100 * 1024 * 1024, `client buffer drained to ${s.ws.bufferedAmount}`);
      const health = await fetch(`${t.url}/healthz`, { signal: AbortSignal.timeout(5000) });
      assert.equal(health.status, 200);
      s.ws.terminate();
      await s.outcome;
    },
  );

  void it("a message just under the limit is accepted (control)", { timeout: 60_000 }, async () => {
    const s = await started();
    const data = Buffer.alloc(512 * 1024, 0x61);
    s.ws.send(JSON.stringify({ type: "stdin", data: data.toString("base64") }));
    s.ws.send(JSON.stringify({ type: "stdin_eof" }));
    const exit = await s.frame("exit");
    assert.equal(exit["exitCode"], 0);
    const { frames, code } = await s.outcome;
    const out = frames
      .filter((f) => f["type"] === "output")
      .reduce((n, f) => n + Buffer.from(String(f["data"]), "base64").length, 0);
    assert.equal(out, data.length);
    assert.equal(code, 1000);
  });
});
