/**
 * Step logs for readers: the persisted (masked) log — the spool file while the step runs, the
 * blob once it ended (`run-storage.ts`) — plus, while the run executes on
 * this server, a bounded in-memory feed of the same bytes. Positions are byte offsets in the
 * step's log, so a cursor means the same thing in the persisted log and in the feed: a reconnecting
 * client passes the offset it has reached and gets every later byte exactly once.
 */
import type { Readable } from "node:stream";
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

/**
 * A step's persisted log (`RunStorage.openLog`): its bytes from `from` to `to` (exclusive;
 * default the end) as a stream, empty when it has none.
 */
export type LogSource = (from: number, to?: number) => Promise<Readable>;

/** Every chunk of `source` from `from` (to `to`), with its offset. */
async function* persisted(source: LogSource, from: number, to?: number): AsyncGenerator<LogChunk> {
  let offset = from;
  for await (const raw of await source(from, to)) {
    const data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
    if (data.length === 0) continue;
    yield { stream: "stdout", offset, data };
    offset += data.length;
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
   * Every log byte from `cursor` on, as chunks: the persisted log for what the feed no longer
   * holds, then the feed (live) until the step's output ends. Without a feed: the persisted log only.
   */
  async *read(
    runId: string,
    step: string,
    source: LogSource,
    cursor: number,
    signal?: AbortSignal,
  ): AsyncGenerator<LogChunk> {
    const buffer = this.feed(runId, step);
    if (!buffer) {
      yield* persisted(source, cursor);
      return;
    }
    const held = buffer.snapshot();
    const firstOffset = held[0]?.value.offset ?? this.runs.get(runId)?.get(step)?.bytes ?? 0;
    let position = cursor;
    if (position < firstOffset) {
      yield* persisted(source, position, firstOffset);
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
