/**
 * Where a step's output goes after masking: a log file under the run directory (the server
 * moves it into its BlobStore when the step ends, `service/run-storage.ts`) and a bounded
 * tail kept in memory (for the progress display's "last lines" of a failed step).
 * Raw output never reaches either: callers feed `MaskingStream` output only.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";

/** The last `maxBytes` of a byte stream. */
export class LogTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes = 64 * 1024) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.maxBytes && this.chunks.length > 1) this.size -= this.chunks.shift()?.length ?? 0;
    if (this.size > this.maxBytes) {
      const only = this.chunks[0] ?? Buffer.alloc(0);
      this.chunks = [only.subarray(only.length - this.maxBytes)];
      this.size = this.maxBytes;
    }
  }

  /** The last `count` complete or partial lines. */
  lastLines(count: number): string[] {
    const text = Buffer.concat(this.chunks).toString("utf8").replace(/\n$/, "");
    if (text === "") return [];
    return text.split("\n").slice(-count);
  }
}

/** A file sink: appends in order, `close` waits until everything is on disk. */
export class LogFile {
  private stream: WriteStream | undefined;
  private failed: Error | undefined;

  constructor(readonly path: string) {}

  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    this.stream = createWriteStream(this.path, { flags: "a" });
    this.stream.on("error", (error) => (this.failed = error));
  }

  write(chunk: Buffer): void {
    if (chunk.length > 0 && this.failed === undefined) this.stream?.write(chunk);
  }

  close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return Promise.resolve();
    return new Promise((resolve, reject) => stream.end(() => (this.failed ? reject(this.failed) : resolve())));
  }
}

/** A safe file name for a step name such as `test[node=18,os=linux]`. */
export function logFileName(name: string): string {
  return `${name.replace(/[^A-Za-z0-9_.=,-]/g, "_")}.log`;
}
