/** One exec over the supervisor socket, as an ExecProcess. */
import { createConnection, type Socket } from "node:net";
import { constants } from "node:os";
import { PassThrough } from "node:stream";
import { C8sError } from "../../errors/index.ts";
import type { ExecEndReason, ExecProcess, ExecResult, TtySize } from "../types.ts";
import {
  decodeExit,
  decodeStarted,
  encodeExec,
  encodeFrame,
  encodeResize,
  encodeU32,
  type ExecFrameInput,
  FrameDecoder,
  FrameProtocolError,
  FrameType,
} from "./protocol.ts";

const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, num]) => [num, name]));

export function signalName(num: number): string {
  return SIGNAL_NAMES.get(num) ?? `SIG${num}`;
}

export interface ExecHooks {
  /** True when the sandbox's memory cgroup counted an OOM kill since this exec started. */
  oomKilledSinceStart: () => Promise<boolean>;
  /**
   * Kills the exec's process tree from the host (the shim's pid as the sandbox sees it, null
   * when unknown): the backstop when the supervisor does not confirm a kill in time.
   */
  killTreeFromOutside: (shimPid: number | null) => Promise<void>;
  onEnd?: () => void;
}

/**
 * How long a kill (timeout, abort, kill()) may take inside the sandbox before the host kills
 * the exec's tree itself, and how long after that before the host ends the exec regardless.
 * Code in the sandbox can stop its own exec's shim (same uid); neither timeout nor cancel may
 * depend on that shim, nor on the supervisor, answering.
 */
export const KILL_GRACE_MS = 2000;
export const FORCE_END_MS = 1000;

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
  private backstop: NodeJS.Timeout | undefined;
  private forceEnd: NodeJS.Timeout | undefined;
  /** The exec's shim as the sandbox sees it (from STARTED), for the host's backstop kill. */
  shimPid: number | null = null;
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
    this.backstop ??= setTimeout(() => {
      if (this.ended) return;
      void this.options.hooks
        .killTreeFromOutside(this.shimPid)
        .catch(() => undefined)
        .finally(() => {
          this.forceEnd = setTimeout(() => this.socket.destroy(), FORCE_END_MS);
        });
    }, KILL_GRACE_MS);
  }

  /** A frame the host cannot trust or parse: the exec ends as killed and its tree is killed. */
  protocolFailure(): void {
    if (this.ended) return;
    this.requested ??= "killed";
    void this.options.hooks
      .killTreeFromOutside(this.shimPid)
      .catch(() => undefined)
      .finally(() => this.socket.destroy());
  }

  async finish(exit: { exitCode: number | null; signal: number | null } | null): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    clearTimeout(this.backstop);
    clearTimeout(this.forceEnd);
    const exitCode = exit === null ? null : exit.exitCode;
    const signal = exit === null ? "SIGKILL" : exit.signal !== null ? signalName(exit.signal) : null;
    // An OOM kill anywhere in the exec's tree counts, not only of its first process: under
    // `sh -c` the shell survives its child's OOM kill and exits 137.
    const failed = signal !== null || exitCode !== 0;
    const oom = this.requested === null && failed && (await this.options.hooks.oomKilledSinceStart());
    let reason: ExecEndReason;
    if (this.requested !== null) reason = this.requested;
    else if (oom) reason = "oom";
    else if (exit === null) reason = "killed";
    else reason = signal !== null ? "signal" : "exit";
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
      try {
        for (const frame of decoder.push(chunk)) {
          if (frame.type === FrameType.started) {
            if (started) throw new FrameProtocolError("a second STARTED frame");
            proc.shimPid = decodeStarted(frame.payload).shimPid;
            started = true;
            proc.arm();
            resolve(proc);
            // Output may come before STARTED: the supervisor polls the pipes before the shim's status.
          } else if (frame.type === FrameType.stdout) proc.output(proc.stdout, frame.payload);
          else if (frame.type === FrameType.stderr) proc.output(proc.stderr, frame.payload);
          else if (frame.type === FrameType.exit && started) exit = decodeExit(frame.payload);
          else if (frame.type === FrameType.error && !started) {
            fail(
              new C8sError("EXEC_FAILED", `The sandbox supervisor refused the exec: ${frame.payload.toString()}.`, {
                details: { sandboxId: options.sandboxId },
              }),
            );
          } else throw new FrameProtocolError(`unexpected frame type ${frame.type}`);
        }
      } catch (error) {
        if (!(error instanceof FrameProtocolError)) throw error;
        if (!started)
          fail(
            new C8sError("EXEC_FAILED", `The sandbox supervisor sent a malformed reply (${error.message}).`, {
              details: { sandboxId: options.sandboxId },
              hint: "Destroy this sandbox and create a new one; report it if it happens again.",
            }),
          );
        else proc.protocolFailure();
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
