/**
 * The framed protocol between the host and the in-sandbox supervisor
 * (`native/supervisor/serve.c`): [u8 type][u32 big-endian length][payload]. Pure encoders
 * and an incremental decoder; no I/O.
 */
export const FrameType = {
  exec: 1,
  stdin: 2,
  stdinEof: 3,
  signal: 4,
  resize: 5,
  kill: 6,
  started: 10,
  stdout: 11,
  stderr: 12,
  exit: 13,
  error: 14,
} as const;

export interface Frame {
  type: number;
  payload: Buffer;
}

export function encodeFrame(type: number, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

export interface ExecFrameInput {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  tty?: { rows: number; cols: number } | undefined;
}

/** EXEC payload: u8 tty, u16 rows, u16 cols, u32 argc, u32 envc, NUL-terminated cwd, argv…, KEY=VALUE… */
export function encodeExec(input: ExecFrameInput): Buffer {
  const head = Buffer.alloc(13);
  const env = Object.entries(input.env).map(([k, v]) => `${k}=${v}`);
  head.writeUInt8(input.tty ? 1 : 0, 0);
  head.writeUInt16BE(input.tty?.rows ?? 0, 1);
  head.writeUInt16BE(input.tty?.cols ?? 0, 3);
  head.writeUInt32BE(input.argv.length, 5);
  head.writeUInt32BE(env.length, 9);
  const strings = [input.cwd, ...input.argv, ...env].map((s) => Buffer.from(`${s}\0`, "utf8"));
  return encodeFrame(FrameType.exec, Buffer.concat([head, ...strings]));
}

export function encodeU32(type: number, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0, 0);
  return encodeFrame(type, b);
}

export function encodeResize(rows: number, cols: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(rows, 0);
  b.writeUInt16BE(cols, 2);
  return encodeFrame(FrameType.resize, b);
}

/**
 * The largest frame the host accepts. The supervisor sends output in reads of at most 64 KiB;
 * anything larger is not from it (or it is broken), and the exec fails instead of the host
 * buffering whatever length a frame header announces.
 */
export const MAX_FRAME_BYTES = 1 << 20;

export class FrameProtocolError extends Error {}

/**
 * Accumulates bytes and yields whole frames. Linear in the input: chunks are kept in a list and
 * joined once per frame (re-concatenating one growing buffer per chunk was quadratic), and a
 * header announcing more than MAX_FRAME_BYTES throws FrameProtocolError before anything of it
 * is buffered.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Type and payload length of the frame being received, once its header is complete. */
  private header: { type: number; length: number } | null = null;

  constructor(private readonly maxFrameBytes = MAX_FRAME_BYTES) {}

  push(chunk: Buffer): Frame[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Frame[] = [];
    for (;;) {
      if (this.header === null) {
        if (this.buffered < 5) break;
        const head = this.take(5);
        const length = head.readUInt32BE(1);
        if (length > this.maxFrameBytes) {
          throw new FrameProtocolError(`frame of ${length} bytes exceeds the ${this.maxFrameBytes}-byte maximum`);
        }
        this.header = { type: head.readUInt8(0), length };
      }
      if (this.buffered < this.header.length) break;
      frames.push({ type: this.header.type, payload: this.take(this.header.length) });
      this.header = null;
    }
    return frames;
  }

  /** Removes and returns the first n buffered bytes (n ≤ buffered), copying only across chunks. */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (n === 0 || first === undefined) return Buffer.alloc(0);
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return first.subarray(0, n);
    }
    // Walk an index instead of shift()ing: shift is O(chunks), which made many small chunks quadratic.
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

export interface StartedPayload {
  /** The command's pid inside the sandbox; null when the shim died before reporting it. */
  pid: number | null;
  /** The per-exec shim's pid inside the sandbox (the root of the exec's process tree). */
  shimPid: number | null;
}

export function decodeStarted(payload: Buffer): StartedPayload {
  if (payload.length < 8) throw new FrameProtocolError(`STARTED frame of ${payload.length} bytes, expected 8`);
  const pid = payload.readUInt32BE(0);
  const shim = payload.readUInt32BE(4);
  return { pid: pid === 0 ? null : pid, shimPid: shim === 0 ? null : shim };
}

export interface ExitPayload {
  exitCode: number | null;
  signal: number | null;
}

export function decodeExit(payload: Buffer): ExitPayload {
  if (payload.length < 8) throw new FrameProtocolError(`EXIT frame of ${payload.length} bytes, expected 8`);
  const code = payload.readUInt32BE(0);
  const signal = payload.readUInt32BE(4);
  return { exitCode: code === 0xffffffff ? null : code, signal: signal === 0 ? null : signal };
}
