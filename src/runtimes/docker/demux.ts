/**
 * Docker's multiplexed attach/exec stream (non-TTY): frames of an 8-byte header — stream
 * type (0 stdin, 1 stdout, 2 stderr), three zero bytes, big-endian payload length — then the
 * payload. Pure and incremental: feed chunks as they arrive, split anywhere. Linear in the
 * input (chunks are kept in a list and joined once per frame) and bounded: a header announcing
 * more than `maxFrameBytes`, or an unknown stream type, fails the stream with EXEC_FAILED
 * before anything of that frame is buffered; after that the demuxer drops every byte.
 */
import { C8sError } from "../../errors/index.ts";

export interface Frame {
  stream: "stdout" | "stderr";
  data: Buffer;
}

/** dockerd writes output in reads of 32 KiB; a frame this large is not one of its frames. */
export const MAX_DOCKER_FRAME_BYTES = 8 * 1024 * 1024;

export class DockerDemuxer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private header: { type: number; length: number } | null = null;
  private failed = false;

  constructor(private readonly maxFrameBytes = MAX_DOCKER_FRAME_BYTES) {}

  /** Returns the complete frames the bytes so far contain; keeps the partial rest. Throws once on a bad header. */
  push(chunk: Buffer): Frame[] {
    if (this.failed) return [];
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Frame[] = [];
    for (;;) {
      if (this.header === null) {
        if (this.buffered < 8) break;
        const head = this.take(8);
        const type = head.readUInt8(0);
        const length = head.readUInt32BE(4);
        if (type > 2) throw this.fail(`invalid Docker stream frame type ${type}`);
        if (length > this.maxFrameBytes) {
          throw this.fail(`Docker stream frame of ${length} bytes exceeds the ${this.maxFrameBytes}-byte maximum`);
        }
        this.header = { type, length };
      }
      if (this.buffered < this.header.length) break;
      const data = this.take(this.header.length);
      frames.push({ stream: this.header.type === 2 ? "stderr" : "stdout", data });
      this.header = null;
    }
    return frames;
  }

  /** Bytes left over that never formed a complete frame (0 on a clean end). */
  get leftover(): number {
    return this.buffered + (this.header === null ? 0 : 8);
  }

  private fail(message: string): C8sError {
    this.failed = true;
    this.chunks = [];
    this.buffered = 0;
    return new C8sError("EXEC_FAILED", message, {
      details: { stream: "docker" },
      hint: "The Docker engine sent a malformed output stream; the rest of this exec's output is dropped.",
    });
  }

  /** Removes and returns the first n buffered bytes (n ≤ buffered). */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (n === 0 || first === undefined) return Buffer.alloc(0);
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return first.subarray(0, n);
    }
    const parts: Buffer[] = [];
    let need = n;
    let i = 0;
    for (; need > 0; i++) {
      const c = this.chunks[i] as Buffer;
      if (c.length <= need) {
        parts.push(c);
        need -= c.length;
      } else {
        parts.push(c.subarray(0, need));
        this.chunks[i] = c.subarray(need);
        need = 0;
        break;
      }
    }
    this.chunks = this.chunks.slice(i);
    this.buffered -= n;
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, n);
  }
}

/** Encodes one frame (used by tests and fakes). */
export function encodeFrame(stream: "stdout" | "stderr", data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt8(stream === "stdout" ? 1 : 2, 0);
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}
