/** One exec over the supervisor socket, as an ExecProcess. */
import { createConnection, type Socket } from "node:net";
import { constants } from "node:os";
import { PassThrough } from "node:stream";
import { C8sError } from "../../errors/index.ts";
import type { ExecEndReason, ExecProcess, ExecResult, TtySize } from "../types.ts";
import {
  decodeExit,
  encodeExec,
  encodeFrame,
  encodeResize,
  encodeU32,
  type ExecFrameInput,
  FrameDecoder,
  FrameType,
} from "./protocol.ts";

const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, num]) => [num, name]));

export function signalName(num: number): string {
  return SIGNAL_NAMES.get(num) ?? `SIG${num}`;
}

export interface ExecHooks {
  /** Decides the reason when the command died of SIGKILL nobody asked for (oom?) or the socket dropped. */
  classifyUnrequestedKill: () => Promise<ExecEndReason>;
  onEnd?: () => void;
}

export interface StartExecOptions {
  socketPath: string;
  frame: ExecFrameInput;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  hooks: ExecHooks;
  sandboxId: string;
}

class LocalExecProcess implements ExecProcess {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly result: Promise<ExecResult>;
  private resolveResult!: (r: ExecResult) => void;
  private requested: ExecEndReason | null = null;
  private ended = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();

  constructor(
    private readonly socket: Socket,
    private readonly options: StartExecOptions,
  ) {
    this.result = new Promise((resolve) => (this.resolveResult = resolve));
    for (const s of [this.stdout, this.stderr]) s.on("drain", () => this.socket.resume());
  }

  arm(): void {
    const { timeoutMs, signal } = this.options;
    if (timeoutMs !== undefined && timeoutMs > 0) this.timer = setTimeout(() => this.killTree("timeout"), timeoutMs);
    if (signal) {
      if (signal.aborted) this.killTree("killed");
      else signal.addEventListener("abort", () => this.killTree("killed"), { once: true });
    }
  }

  output(stream: PassThrough, data: Buffer): void {
    if (!stream.write(Buffer.from(data))) this.socket.pause();
  }

  killTree(reason: ExecEndReason): void {
    if (this.ended) return;
    this.requested ??= reason;
    if (!this.socket.destroyed) this.socket.write(encodeFrame(FrameType.kill));
  }

  async finish(exit: { exitCode: number | null; signal: number | null } | null): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    let reason: ExecEndReason;
    let exitCode = exit?.exitCode ?? null;
    let signal = exit?.signal != null ? signalName(exit.signal) : null;
    if (this.requested !== null) reason = this.requested;
    else if (exit === null) reason = await this.options.hooks.classifyUnrequestedKill();
    else if (signal === "SIGKILL")
      reason = await this.options.hooks.classifyUnrequestedKill().then((r) => (r === "oom" ? "oom" : "signal"));
    else reason = signal !== null ? "signal" : "exit";
    if (exit === null) {
      exitCode = null;
      signal = "SIGKILL";
    }
    if (reason !== "exit") exitCode = exitCode === null ? null : exitCode;
    this.stdout.end();
    this.stderr.end();
    this.socket.destroy();
    this.options.hooks.onEnd?.();
    const result: ExecResult = {
      exitCode: signal !== null ? null : exitCode,
      signal,
      reason,
      durationMs: Date.now() - this.started,
    };
    const flushed = (s: PassThrough): Promise<void> =>
      s.readableEnded || s.destroyed
        ? Promise.resolve()
        : new Promise((r) => {
            s.once("end", r);
            s.once("close", r);
          });
    // "Output streams end before result settles": wait until consumers read them (or nobody listens).
    await Promise.race([
      Promise.all([flushed(this.stdout), flushed(this.stderr)]),
      new Promise((r) => setImmediate(r)),
    ]);
    this.resolveResult(result);
  }

  writeStdin(data: Uint8Array | string): Promise<void> {
    if (this.ended || this.socket.destroyed) return Promise.resolve();
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    return new Promise((resolve) => this.socket.write(encodeFrame(FrameType.stdin, bytes), () => resolve()));
  }

  closeStdin(): Promise<void> {
    if (this.ended || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.socket.write(encodeFrame(FrameType.stdinEof), () => resolve()));
  }

  async resize(size: TtySize): Promise<void> {
    if (this.options.frame.tty === undefined || this.ended || this.socket.destroyed) return;
    await new Promise<void>((resolve) => this.socket.write(encodeResize(size.rows, size.cols), () => resolve()));
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (signal === "SIGKILL") return this.killTree("killed");
    const num = constants.signals[signal];
    if (num === undefined || this.ended || this.socket.destroyed) return;
    await new Promise<void>((resolve) => this.socket.write(encodeU32(FrameType.signal, num), () => resolve()));
  }
}

/** Connects, sends the exec request and resolves once the command started. */
export function startExec(options: StartExecOptions): Promise<ExecProcess> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(options.socketPath);
    const proc = new LocalExecProcess(socket, options);
    const decoder = new FrameDecoder();
    let started = false;
    let exit: { exitCode: number | null; signal: number | null } | null = null;
    const fail = (error: C8sError): void => {
      socket.destroy();
      reject(error);
    };
    socket.once("connect", () => socket.write(encodeExec(options.frame)));
    socket.on("data", (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        if (frame.type === FrameType.started) {
          started = true;
          proc.arm();
          resolve(proc);
        } else if (frame.type === FrameType.stdout) proc.output(proc.stdout, frame.payload);
        else if (frame.type === FrameType.stderr) proc.output(proc.stderr, frame.payload);
        else if (frame.type === FrameType.exit) exit = decodeExit(frame.payload);
        else if (frame.type === FrameType.error && !started) {
          fail(
            new C8sError("EXEC_FAILED", `The sandbox supervisor refused the exec: ${frame.payload.toString()}.`, {
              details: { sandboxId: options.sandboxId },
            }),
          );
        }
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (!started) {
        fail(
          new C8sError(
            "SANDBOX_NOT_RUNNING",
            `Sandbox ${options.sandboxId} is not running (its supervisor is unreachable: ${error.code ?? error.message}).`,
            {
              details: { sandboxId: options.sandboxId },
              hint: "Create a new sandbox; this one has ended.",
              cause: error,
            },
          ),
        );
      }
    });
    socket.on("close", () => {
      if (!started) {
        fail(
          new C8sError("SANDBOX_NOT_RUNNING", `Sandbox ${options.sandboxId} ended before the command started.`, {
            details: { sandboxId: options.sandboxId },
          }),
        );
        return;
      }
      void proc.finish(exit);
    });
  });
}
