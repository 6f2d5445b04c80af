/** `sandbox.commands`: run commands to completion, in the background, or attach to running ones. */
import { CommandExitError, InvalidArgumentError, TimeoutError } from "./errors.ts";
import { ExecStream, type ClientFrame } from "./exec-stream.ts";
import type { ApiClient } from "./http.ts";
import type { CommandResult, ExecInfo, ExitInfo, OutputChunk } from "./types.ts";

export interface CommandOptions {
  envs?: Record<string, string>;
  cwd?: string;
  /** Kill the command (and everything it started) after this long; the result's reason is `timeout`. */
  timeoutMs?: number;
  onStdout?: (data: string) => void;
  onStderr?: (data: string) => void;
  /** Raw output chunks in order, for binary-safe streaming. */
  onOutput?: (chunk: OutputChunk) => void;
  /** Data to feed and close, or `true` to keep stdin open for `sendStdin`. Default: closed. */
  stdin?: string | Uint8Array | boolean;
  /** Return the result of a failing command instead of rejecting with CommandExitError / TimeoutError. */
  allowNonZeroExit?: boolean;
}

export interface RunOptions extends CommandOptions {
  background?: boolean;
}

/** A shell string runs as `/bin/sh -c`; an array is the argv itself. */
export function toArgv(cmd: string | readonly string[]): string[] {
  if (typeof cmd === "string") return ["/bin/sh", "-c", cmd];
  if (cmd.length === 0)
    throw new InvalidArgumentError("command is empty", {
      code: "INVALID_ARGUMENT",
      hint: "Pass a program and its arguments.",
    });
  return [...cmd];
}

/** Raw bytes per stdin frame: base64 of it stays well under the server's 1 MiB message limit. */
const STDIN_FRAME_BYTES = 512 * 1024;

export function toBase64(data: string | Uint8Array): string {
  return typeof data === "string" ? Buffer.from(data, "utf8").toString("base64") : Buffer.from(data).toString("base64");
}

/** Turns a finished command into its result, or the error the caller asked for. */
export function settleCommand(result: CommandResult, allowNonZeroExit: boolean): CommandResult {
  if (allowNonZeroExit) return result;
  if (result.reason === "timeout") {
    throw new TimeoutError(`command timed out after ${result.durationMs} ms and was killed`, {
      code: "EXEC_TIMEOUT",
      hint: "Raise timeoutMs, or run it with background: true and wait() for it.",
      details: { execId: result.execId, stdout: result.stdout, stderr: result.stderr },
    });
  }
  if (result.exitCode !== 0) throw new CommandExitError(result);
  return result;
}

export class Commands {
  constructor(
    private readonly api: ApiClient,
    readonly sandboxId: string,
  ) {}

  private get base(): string {
    return `/v1/sandboxes/${encodeURIComponent(this.sandboxId)}`;
  }

  run(cmd: string | readonly string[], options: RunOptions & { background: true }): Promise<CommandHandle>;
  run(cmd: string | readonly string[], options?: RunOptions & { background?: false }): Promise<CommandResult>;
  run(cmd: string | readonly string[], options?: RunOptions): Promise<CommandResult | CommandHandle>;
  async run(cmd: string | readonly string[], options: RunOptions = {}): Promise<CommandResult | CommandHandle> {
    const command = toArgv(cmd);
    if (options.background) return this.start(command, options);
    if (options.stdin === true) {
      throw new InvalidArgumentError("stdin: true keeps stdin open, which only a background command can use", {
        code: "INVALID_ARGUMENT",
        hint: "Pass background: true and use the handle's sendStdin()/closeStdin(), or pass the data as stdin.",
        details: { field: "stdin" },
      });
    }
    const streaming = options.onStdout || options.onStderr || options.onOutput;
    if (!streaming) return this.runOnce(command, options);
    const handle = await this.start(command, options);
    return handle.wait();
  }

  /** Attaches to a running (or recently finished) exec; output is replayed from `cursor` (default 0). */
  async connect(execId: string, options: CommandOptions & { cursor?: number } = {}): Promise<CommandHandle> {
    return new CommandHandle(this.api, this.sandboxId, execId, options, options.cursor ?? 0);
  }

  async list(): Promise<ExecInfo[]> {
    const body = await this.api.json<{ execs: ExecInfo[] }>("GET", `${this.base}/execs`);
    return body.execs;
  }

  async get(execId: string): Promise<ExecInfo> {
    return this.api.json<ExecInfo>("GET", `${this.base}/execs/${encodeURIComponent(execId)}`);
  }

  /** Sends a signal to an exec (default SIGKILL). Resolves false if it no longer exists. */
  async kill(execId: string, signal = "SIGKILL"): Promise<boolean> {
    try {
      await this.api.request("POST", `${this.base}/execs/${encodeURIComponent(execId)}/kill`, { json: { signal } });
      return true;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return false;
      throw error;
    }
  }

  private async runOnce(command: string[], options: CommandOptions): Promise<CommandResult> {
    const body: Record<string, unknown> = { command };
    if (options.envs) body["env"] = options.envs;
    if (options.cwd !== undefined) body["cwd"] = options.cwd;
    if (options.timeoutMs !== undefined) body["timeoutMs"] = options.timeoutMs;
    if (typeof options.stdin === "string") body["stdin"] = options.stdin;
    else if (options.stdin instanceof Uint8Array) body["stdinBase64"] = toBase64(options.stdin);
    const res = await this.api.json<Omit<CommandResult, "execId"> & { execId: string; encoding?: string }>(
      "POST",
      `${this.base}/exec`,
      { json: body, query: { encoding: "utf8" }, timeoutMs: options.timeoutMs ? options.timeoutMs + 30_000 : 0 },
    );
    const result: CommandResult = {
      execId: res.execId,
      exitCode: res.exitCode,
      signal: res.signal ?? null,
      reason: res.reason,
      durationMs: res.durationMs,
      stdout: res.stdout ?? "",
      stderr: res.stderr ?? "",
      truncated: res.truncated ?? false,
    };
    return settleCommand(result, options.allowNonZeroExit ?? false);
  }

  /** Starts a background exec and attaches to its output. */
  async start(
    command: string[],
    options: CommandOptions,
    tty?: { rows: number; cols: number },
  ): Promise<CommandHandle> {
    const body: Record<string, unknown> = { command, stdin: options.stdin !== undefined && options.stdin !== false };
    if (options.envs) body["env"] = options.envs;
    if (options.cwd !== undefined) body["cwd"] = options.cwd;
    if (options.timeoutMs !== undefined) body["timeoutMs"] = options.timeoutMs;
    if (tty) body["tty"] = tty;
    const { execId } = await this.api.json<{ execId: string }>("POST", `${this.base}/execs`, { json: body });
    const handle = new CommandHandle(this.api, this.sandboxId, execId, options, 0);
    if (typeof options.stdin === "string" || options.stdin instanceof Uint8Array) {
      const data = options.stdin;
      // Fed in the background so output streaming starts at once; failures surface via wait().
      handle.feed(async () => {
        if (data.length > 0) await handle.sendStdin(data);
        await handle.closeStdin();
      });
    }
    return handle;
  }
}

/** A running command: its output streams in through the callbacks and accumulates for `wait()`. */
export class CommandHandle {
  private stdoutText = "";
  private stderrText = "";
  private readonly decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  private readonly stream: ExecStream;
  private stdinChain: Promise<void> = Promise.resolve();
  private feedError: Error | undefined;

  constructor(
    private readonly api: ApiClient,
    readonly sandboxId: string,
    readonly execId: string,
    private readonly options: CommandOptions,
    cursor: number,
  ) {
    this.stream = new ExecStream(api, sandboxId, execId, { cursor, onChunk: (chunk) => this.onChunk(chunk) });
  }

  /** Output so far. */
  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** The next output seq this handle expects (what a reconnect replays from). */
  get cursor(): number {
    return this.stream.nextCursor;
  }

  private onChunk(chunk: OutputChunk): void {
    this.options.onOutput?.(chunk);
    const text = this.decoders[chunk.stream].decode(chunk.data, { stream: true });
    if (chunk.stream === "stdout") {
      this.stdoutText += text;
      if (text) this.options.onStdout?.(text);
    } else {
      this.stderrText += text;
      if (text) this.options.onStderr?.(text);
    }
  }

  /** Waits for the end; rejects with CommandExitError / TimeoutError unless allowNonZeroExit. */
  async wait(): Promise<CommandResult> {
    const exit: ExitInfo = await this.stream.done;
    for (const stream of ["stdout", "stderr"] as const) {
      const rest = this.decoders[stream].decode();
      if (!rest) continue;
      if (stream === "stdout") this.stdoutText += rest;
      else this.stderrText += rest;
    }
    if (this.feedError && exit.reason === "exit" && exit.exitCode === 0) throw this.feedError;
    const result: CommandResult = {
      execId: this.execId,
      ...exit,
      stdout: this.stdoutText,
      stderr: this.stderrText,
      truncated: false,
    };
    return settleCommand(result, this.options.allowNonZeroExit ?? false);
  }

  /** Sends a signal (default SIGKILL). Resolves false if the exec is already gone. */
  async kill(signal = "SIGKILL"): Promise<boolean> {
    return new Commands(this.api, this.sandboxId).kill(this.execId, signal);
  }

  /** Sends stdin in frames of at most 512 KiB (the server refuses messages above 1 MiB). */
  sendStdin(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
    // Every frame is queued now (not after the previous one is sent), so a later call stays after.
    const sent: Array<Promise<void>> = [];
    for (let at = 0; at === 0 || at < bytes.length; at += STDIN_FRAME_BYTES) {
      sent.push(this.queue({ type: "stdin", data: toBase64(bytes.subarray(at, at + STDIN_FRAME_BYTES)) }));
    }
    return Promise.all(sent).then(() => undefined);
  }

  closeStdin(): Promise<void> {
    return this.queue({ type: "stdin_eof" });
  }

  /** Stops receiving output; the command keeps running. */
  disconnect(): void {
    this.stream.close();
  }

  /** Forces the current connection down; the handle reconnects and replays from its cursor. */
  dropConnection(): void {
    this.stream.dropConnection();
  }

  /** @internal */
  queue(frame: ClientFrame): Promise<void> {
    const next = this.stdinChain.then(() => this.stream.send(frame));
    this.stdinChain = next.catch(() => undefined);
    return next;
  }

  /** @internal */
  feed(task: () => Promise<void>): void {
    task().catch((error: Error & { code?: string }) => {
      // A command that exits without reading all its stdin is not an error.
      if (error.code !== "EXEC_FINISHED") this.feedError = error;
    });
  }
}
