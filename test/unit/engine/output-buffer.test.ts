import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OutputBuffer, type Sequenced } from "../../../src/engine/output-buffer.ts";
import { isC8sError } from "../../../src/errors/index.ts";

function textBuffer(maxBytes = 1024, maxEntries?: number): OutputBuffer<string> {
  return new OutputBuffer<string>({
    maxBytes,
    sizeOf: (s) => s.length,
    ...(maxEntries === undefined ? {} : { maxEntries }),
  });
}

async function collect<T>(iterable: AsyncIterable<Sequenced<T>>): Promise<Sequenced<T>[]> {
  const out: Sequenced<T>[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

void describe("OutputBuffer", () => {
  void it("numbers entries from 0 and replays from any cursor", async () => {
    const buffer = textBuffer();
    assert.deepEqual(
      ["a", "b", "c"].map((s) => buffer.push(s)),
      [0, 1, 2],
    );
    buffer.end();
    assert.deepEqual(await collect(buffer.read(0)), [
      { seq: 0, value: "a" },
      { seq: 1, value: "b" },
      { seq: 2, value: "c" },
    ]);
    assert.deepEqual(
      (await collect(buffer.read(2))).map((e) => e.value),
      ["c"],
    );
    assert.deepEqual(await collect(buffer.read(3)), []);
  });

  void it("gives a reader buffered entries then live ones, each exactly once, until the end", async () => {
    const buffer = textBuffer();
    buffer.push("one");
    const reading = collect(buffer.read(0));
    await new Promise((r) => setImmediate(r));
    buffer.push("two");
    buffer.push("three");
    await new Promise((r) => setImmediate(r));
    buffer.push("four");
    buffer.end();
    assert.deepEqual(
      (await reading).map((e) => `${e.seq}:${e.value}`),
      ["0:one", "1:two", "2:three", "3:four"],
    );
  });

  void it("a reconnecting reader resumes at its cursor with no gap and no duplicate", async () => {
    const buffer = textBuffer();
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) buffer.push(`x${i}`);
    const first = new AbortController();
    let cursor = 0;
    for await (const entry of buffer.read(0, first.signal)) {
      seen.push(entry.value);
      cursor = entry.seq + 1;
      if (entry.seq === 2) first.abort();
    }
    for (let i = 5; i < 8; i++) buffer.push(`x${i}`);
    buffer.end();
    for await (const entry of buffer.read(cursor)) seen.push(entry.value);
    assert.deepEqual(seen, ["x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"]);
  });

  void it("evicts the oldest entries beyond the byte bound and refuses a cursor they passed", () => {
    const buffer = textBuffer(10);
    for (const s of ["aaaa", "bbbb", "cccc", "dddd"]) buffer.push(s);
    assert.equal(buffer.firstSeq, 2);
    assert.equal(buffer.bufferedBytes, 8);
    assert.throws(
      () => buffer.snapshot(1),
      (e: unknown) =>
        isC8sError(e) &&
        e.code === "INVALID_ARGUMENT" &&
        e.details["reason"] === "output_expired" &&
        e.details["firstAvailableSeq"] === 2,
    );
    assert.deepEqual(
      buffer.snapshot(2).map((e) => e.value),
      ["cccc", "dddd"],
    );
  });

  void it("evicts beyond the entry bound, but always keeps the newest entry however big", () => {
    const counted = textBuffer(1024, 2);
    for (const s of ["a", "b", "c"]) counted.push(s);
    assert.equal(counted.firstSeq, 1);
    const big = textBuffer(4);
    big.push("0123456789");
    assert.deepEqual(big.snapshot(0), [{ seq: 0, value: "0123456789" }]);
  });

  void it("fails a slow reader whose position was evicted instead of skipping", async () => {
    const buffer = textBuffer(4);
    buffer.push("aa");
    const iterator = buffer.read(0)[Symbol.asyncIterator]();
    assert.deepEqual((await iterator.next()).value, { seq: 0, value: "aa" });
    for (const s of ["bb", "cc", "dd"]) buffer.push(s); // seq 1 is evicted before the reader gets it
    await assert.rejects(iterator.next(), (e: unknown) => isC8sError(e) && e.details["reason"] === "output_expired");
  });

  void it("rejects cursors outside the output", () => {
    const buffer = textBuffer();
    buffer.push("a");
    for (const cursor of [-1, 2, 0.5])
      assert.throws(
        () => buffer.snapshot(cursor),
        (e: unknown) => isC8sError(e) && e.code === "INVALID_ARGUMENT",
      );
  });

  void it("ends a waiting reader when the signal aborts", async () => {
    const buffer = textBuffer();
    const controller = new AbortController();
    const reading = collect(buffer.read(0, controller.signal));
    controller.abort();
    assert.deepEqual(await reading, []);
  });

  void it("refuses pushes after the end", () => {
    const buffer = textBuffer();
    buffer.end();
    assert.throws(
      () => buffer.push("late"),
      (e: unknown) => isC8sError(e) && e.code === "INTERNAL",
    );
  });
});
