/**
 * Docker's multiplexed attach/exec stream (non-TTY): frames of an 8-byte header — stream
 * type (0 stdin, 1 stdout, 2 stderr), three zero bytes, big-endian payload length — then the
 * payload. Pure and incremental: feed chunks as they arrive, split anywhere.
 */
export interface Frame {
  stream: "stdout" | "stderr";
  data: Buffer;
}

export class DockerDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  /** Returns the complete frames the bytes so far contain; keeps the partial rest. */
  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    while (this.pending.length >= 8) {
      const type = this.pending.readUInt8(0);
      const length = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + length) break;
      const data = this.pending.subarray(8, 8 + length);
      this.pending = this.pending.subarray(8 + length);
      if (type === 2) frames.push({ stream: "stderr", data });
      else if (type === 1 || type === 0) frames.push({ stream: "stdout", data });
      else throw new Error(`invalid Docker stream frame type ${type}`);
    }
    return frames;
  }

  /** Bytes left over that never formed a complete frame (0 on a clean end). */
  get leftover(): number {
    return this.pending.length;
  }
}

/** Encodes one frame (used by tests and fakes). */
export function encodeFrame(stream: "stdout" | "stderr", data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt8(stream === "stdout" ? 1 : 2, 0);
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}
