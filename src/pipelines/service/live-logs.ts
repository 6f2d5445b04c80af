/**
 * Step logs for readers: the persisted (masked) log file plus, while the run executes on
 * this server, a bounded in-memory feed of the same bytes. Positions are byte offsets in the
 * step's log, so a cursor means the same thing in the file and in the feed: a reconnecting
 * client passes the offset it has reached and gets every later byte exactly once.
 */
import { open } from "node:fs/promises";
import { OutputBuffer } from "../../engine/output-buffer.ts";

export interface LogChunk {
  stream: "stdout" | "stderr";
  /** Byte offset of `data` in the step's log. */
  offset: number;
  data: Buffer;
}

interface Feed {
  buffer: OutputBuffer<LogChunk>;
  bytes: number;
}

/** Bytes of `path` from `from` (to the end, or to `to`). Missing file → empty. */
export async function readLogRange(path: string, from: number, to?: number): Promise<Buffer> {
  const file = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (!file) return Buffer.alloc(0);
  try {
    const size = (await file.stat()).size;
    const end = Math.min(size, to ?? size);
    if (end <= from) return Buffer.alloc(0);
    const out = Buffer.alloc(end - from);
    let done = 0;
    while (done < out.length) {
      const { bytesRead } = await file.read(out, done, out.length - done, from + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return out.subarray(0, done);
  } finally {
    await file.close();
  }
}

export class LiveLogs {
  private readonly runs = new Map<string, Map<string, Feed>>();
  private readonly ended = new Set<string>();
  /** Runs whose feeds are kept after they end, newest last. */
  private readonly finished: string[] = [];

  constructor(private readonly options: { bufferBytes: number; keepFinishedRuns: number }) {}

  /** Whether this server holds feeds for the run (it is executing or just finished here). */
  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  isEnded(runId: string): boolean {
    return this.ended.has(runId);
  }

  /** Starts holding feeds for a run about to execute here. */
  begin(runId: string): void {
    if (!this.runs.has(runId)) this.runs.set(runId, new Map());
    this.ended.delete(runId);
  }

  feed(runId: string, step: string): OutputBuffer<LogChunk> | undefined {
    const steps = this.runs.get(runId);
    if (!steps) return undefined;
    let feed = steps.get(step);
    if (!feed) {
      feed = {
        buffer: new OutputBuffer<LogChunk>({ maxBytes: this.options.bufferBytes, sizeOf: (c) => c.data.length }),
        bytes: 0,
      };
      if (this.ended.has(runId)) feed.buffer.end();
      steps.set(step, feed);
    }
    return feed.buffer;
  }

  push(runId: string, step: string, stream: "stdout" | "stderr", data: Buffer): void {
    const buffer = this.feed(runId, step);
    const feed = this.runs.get(runId)?.get(step);
    if (!buffer || !feed || buffer.isEnded || data.length === 0) return;
    buffer.push({ stream, offset: feed.bytes, data });
    feed.bytes += data.length;
  }

  /** Ends every feed of the run (readers drain and stop); keeps a few finished runs. */
  end(runId: string): void {
    this.ended.add(runId);
    for (const feed of this.runs.get(runId)?.values() ?? []) feed.buffer.end();
    this.finished.push(runId);
    while (this.finished.length > this.options.keepFinishedRuns) {
      const old = this.finished.shift();
      if (old !== undefined && old !== runId) {
        this.runs.delete(old);
        this.ended.delete(old);
      }
    }
  }

  /**
   * Every log byte from `cursor` on, as chunks: the file for what the feed no longer holds,
   * then the feed (live) until the step's output ends. Without a feed: the file only.
   */
  async *read(
    runId: string,
    step: string,
    logPath: string,
    cursor: number,
    signal?: AbortSignal,
  ): AsyncGenerator<LogChunk> {
    const buffer = this.feed(runId, step);
    if (!buffer) {
      const rest = await readLogRange(logPath, cursor);
      if (rest.length > 0) yield { stream: "stdout", offset: cursor, data: rest };
      return;
    }
    const held = buffer.snapshot();
    const firstOffset = held[0]?.value.offset ?? this.runs.get(runId)?.get(step)?.bytes ?? 0;
    let position = cursor;
    if (position < firstOffset) {
      const early = await readLogRange(logPath, position, firstOffset);
      if (early.length > 0) yield { stream: "stdout", offset: position, data: early };
      position = firstOffset;
    }
    const start =
      held.find((c) => c.value.offset + c.value.data.length > position)?.seq ?? buffer.firstSeq + held.length;
    for await (const { value } of buffer.read(start, signal)) {
      const end = value.offset + value.data.length;
      if (end <= position) continue;
      const skip = Math.max(0, position - value.offset);
      yield { stream: value.stream, offset: value.offset + skip, data: value.data.subarray(skip) };
      position = end;
    }
  }
}
