import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decodeExit,
  decodeStarted,
  encodeExec,
  encodeFrame,
  encodeResize,
  FrameDecoder,
  FrameProtocolError,
  FrameType,
  MAX_FRAME_BYTES,
} from "../../../src/runtimes/local/protocol.ts";

void test("frames are [type][u32 BE length][payload] and decode across chunk boundaries", () => {
  const bytes = Buffer.concat([
    encodeFrame(FrameType.stdout, Buffer.from("hello")),
    encodeFrame(FrameType.stdinEof),
    encodeResize(24, 80),
  ]);
  assert.deepEqual([...bytes.subarray(0, 5)], [11, 0, 0, 0, 5]);
  const decoder = new FrameDecoder();
  const frames = [...bytes].flatMap((b) => decoder.push(Buffer.from([b])));
  assert.deepEqual(
    frames.map((f) => [f.type, [...f.payload]]),
    [
      [FrameType.stdout, [...Buffer.from("hello")]],
      [FrameType.stdinEof, []],
      [FrameType.resize, [0, 24, 0, 80]],
    ],
  );
});

void test("exec payload layout matches the C parser", () => {
  const frame = encodeExec({ argv: ["sh", "-c", "echo é"], env: { A: "1" }, cwd: "/w", tty: { rows: 30, cols: 100 } });
  const payload = frame.subarray(5);
  assert.equal(frame.readUInt32BE(1), payload.length);
  assert.equal(payload.readUInt8(0), 1);
  assert.deepEqual(
    [payload.readUInt16BE(1), payload.readUInt16BE(3), payload.readUInt32BE(5), payload.readUInt32BE(9)],
    [30, 100, 3, 1],
  );
  assert.deepEqual(payload.subarray(13).toString("utf8").split("\0"), ["/w", "sh", "-c", "echo é", "A=1", ""]);
  assert.equal(
    encodeExec({ argv: ["x"], env: {}, cwd: "/" })
      .subarray(5)
      .readUInt8(0),
    0,
  );
});

void test("exit payload: code, or 0xffffffff and a signal number", () => {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(42, 0);
  assert.deepEqual(decodeExit(b), { exitCode: 42, signal: null });
  b.writeUInt32BE(0xffffffff, 0);
  b.writeUInt32BE(9, 4);
  assert.deepEqual(decodeExit(b), { exitCode: null, signal: 9 });
});

void test("a header announcing more than the maximum frame fails at once, before any of it is buffered", () => {
  const decoder = new FrameDecoder();
  const head = Buffer.alloc(5);
  head.writeUInt8(FrameType.stdout, 0);
  head.writeUInt32BE(0xfffffff0, 1); // ~4 GiB, as a hostile sandbox announced
  assert.throws(() => decoder.push(head), FrameProtocolError);
  const ok = new FrameDecoder();
  assert.deepEqual(ok.push(encodeFrame(FrameType.stdout, Buffer.alloc(MAX_FRAME_BYTES))).length, 1);
});

void test("decoding is linear: a maximum-size frame fed in 1-byte chunks keeps one copy per frame", () => {
  // 1 MiB in 1-byte pushes: the old decoder re-concatenated the whole buffer per chunk
  // (~5e11 byte copies); this one keeps a chunk list and joins once.
  const decoder = new FrameDecoder();
  const frame = encodeFrame(FrameType.stderr, Buffer.alloc(MAX_FRAME_BYTES, 7));
  let frames = 0;
  for (let i = 0; i < frame.length; i += 1) frames += decoder.push(frame.subarray(i, i + 1)).length;
  assert.equal(frames, 1);
});

void test("started payload: the command's and the shim's pid, 0 meaning unknown; short payloads are refused", () => {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(12, 0);
  b.writeUInt32BE(11, 4);
  assert.deepEqual(decodeStarted(b), { pid: 12, shimPid: 11 });
  assert.deepEqual(decodeStarted(Buffer.alloc(8)), { pid: null, shimPid: null });
  assert.throws(() => decodeStarted(Buffer.alloc(4)), FrameProtocolError);
  assert.throws(() => decodeExit(Buffer.alloc(3)), FrameProtocolError);
});
