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

/** Accumulates bytes and yields whole frames. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    while (this.buffer.length >= 5) {
      const length = this.buffer.readUInt32BE(1);
      if (this.buffer.length < 5 + length) break;
      frames.push({ type: this.buffer.readUInt8(0), payload: this.buffer.subarray(5, 5 + length) });
      this.buffer = this.buffer.subarray(5 + length);
    }
    return frames;
  }
}

export interface ExitPayload {
  exitCode: number | null;
  signal: number | null;
}

export function decodeExit(payload: Buffer): ExitPayload {
  const code = payload.readUInt32BE(0);
  const signal = payload.readUInt32BE(4);
  return { exitCode: code === 0xffffffff ? null : code, signal: signal === 0 ? null : signal };
}
