/**
 * A live exec owned by the engine: the runtime's process, its output in a bounded ring
 * buffer (so clients can attach and replay from a cursor), and how it ended.
 */
import type { ExecProcess, ExecResult, TtySize } from "../runtimes/types.ts";
import type { SecretMasker } from "./masking.ts";
import { OutputBuffer } from "./output-buffer.ts";
import type { ExecOutcome, ExecSession, OutputChunk, OutputStreamName } from "./types.ts";

export interface RawChunk {
  stream: OutputStreamName;
  data: Buffer;
}

type ChunkListener = (chunk: RawChunk) => void;

function streamEnded(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => resolve();
    stream.once("end", done);
    stream.once("close", done);
    stream.once("error", done);
  });
}

export class LiveExecSession implements ExecSession {
  readonly done: Promise<ExecOutcome>;
  private readonly buffer: OutputBuffer<RawChunk>;
  private readonly listeners = new Set<ChunkListener>();
  private finished = false;

  constructor(
    readonly id: string,
    readonly sandboxId: string,
    private readonly process: ExecProcess,
    options: {
      bufferBytes: number;
      now: () => number;
      /** Masks secret values before anything is buffered: every reader sees the same masked bytes. */
      masker?: SecretMasker | undefined;
      onEnd: (result: ExecResult) => Promise<void>;
    },
  ) {
    const buffer = new OutputBuffer<RawChunk>({ maxBytes: options.bufferBytes, sizeOf: (c) => c.data.length });
    this.buffer = buffer;
    const emit = (stream: OutputStreamName, data: Buffer): void => {
      if (data.length === 0) return;
      const chunk: RawChunk = { stream, data };
      buffer.push(chunk);
      for (const listener of this.listeners) listener(chunk);
    };
    const follow = (stream: OutputStreamName, readable: NodeJS.ReadableStream): Promise<void> => {
      const masking = options.masker?.createStream();
      readable.on("data", (data: Buffer | string) => {
        const bytes = typeof data === "string" ? Buffer.from(data) : data;
        emit(stream, masking === undefined ? bytes : masking.write(bytes));
      });
      // A masker holds back what could be the start of a secret until the stream ends.
      return streamEnded(readable).then(() => {
        if (masking !== undefined) emit(stream, masking.end());
      });
    };
    const outputDone = Promise.all([follow("stdout", process.stdout), follow("stderr", process.stderr)]);
    this.done = (async (): Promise<ExecOutcome> => {
      const startedAt = options.now();
      // The contract says `result` never rejects for a non-zero exit; a runtime failure still must end the exec.
      const result = await process.result.catch((): ExecResult => ({
        exitCode: null,
        signal: null,
        reason: "killed",
        durationMs: options.now() - startedAt,
      }));
      await outputDone;
      buffer.end();
      this.finished = true;
      await options.onEnd(result);
      return { exitCode: result.exitCode, signal: result.signal, reason: result.reason, durationMs: result.durationMs };
    })();
  }

  get isFinished(): boolean {
    return this.finished;
  }

  get nextSeq(): number {
    return this.buffer.nextSeq;
  }

  /** What the buffer holds from `cursor` on, synchronously (throws if evicted). */
  snapshot(cursor: number): { seq: number; value: RawChunk }[] {
    return this.buffer.snapshot(cursor);
  }

  /** Raw chunks as they arrive (the engine's `run()` collects through this). */
  onChunk(listener: ChunkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async *output(cursor = 0, signal?: AbortSignal): AsyncIterable<OutputChunk> {
    for await (const entry of this.buffer.read(cursor, signal))
      yield { seq: entry.seq, stream: entry.value.stream, data: entry.value.data };
  }

  writeStdin(data: Uint8Array | string): Promise<void> {
    return this.process.writeStdin(data);
  }

  closeStdin(): Promise<void> {
    return this.process.closeStdin();
  }

  resize(size: TtySize): Promise<void> {
    return this.process.resize(size);
  }

  kill(signal?: NodeJS.Signals): Promise<void> {
    return this.process.kill(signal);
  }
}
