/**
 * One exec's output over the WebSocket attach stream, surviving disconnects: on an unexpected
 * close it re-attaches with `?cursor=<next seq>` and the server replays what was missed.
 * Chunks are delivered exactly once and in order (a seq below the cursor is dropped).
 */
import { createRequire } from "node:module";
import type WebSocket from "ws";
import { C8sSdkError, ConnectionError, SandboxError, errorFromApi } from "./errors.ts";
import type { ApiClient } from "./http.ts";
import type { ExecInfo, ExitInfo, OutputChunk } from "./types.ts";

/**
 * `ws` is loaded on the first attach, so importing the SDK (the CLI's every start) does not pay
 * for it; with `require`, as it is CommonJS: an ESM import would also run Node's CJS export scan on it.
 */
let wsModule: Promise<typeof WebSocket> | undefined;
function loadWebSocket(): Promise<typeof WebSocket> {
  wsModule ??= Promise.resolve().then(() => createRequire(import.meta.url)("ws") as typeof WebSocket);
  return wsModule;
}

export type ClientFrame =
  | { type: "stdin"; data: string }
  | { type: "stdin_eof" }
  | { type: "resize"; rows: number; cols: number }
  | { type: "signal"; signal: string };

export interface ExecStreamOptions {
  /** First seq wanted; 0 replays everything the server still holds. */
  cursor?: number;
  onChunk(chunk: OutputChunk): void;
  /** Called before each reconnect attempt (attempt is 1-based). */
  onReconnect?(attempt: number, cursor: number): void;
}

const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 3_000;

export class ExecStream {
  readonly done: Promise<ExitInfo>;
  private resolveDone!: (exit: ExitInfo) => void;
  private rejectDone!: (error: Error) => void;
  private socket: WebSocket | undefined;
  private cursor: number;
  private finished = false;
  private closedByUser = false;
  private attempts = 0;
  private openWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly api: ApiClient,
    readonly sandboxId: string,
    readonly execId: string,
    private readonly options: ExecStreamOptions,
  ) {
    this.cursor = options.cursor ?? 0;
    this.done = new Promise<ExitInfo>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // A caller that never awaits `done` must not crash the process with an unhandled rejection.
    this.done.catch(() => undefined);
    this.connect();
  }

  /** The next seq this stream expects; what a reconnect passes as `cursor`. */
  get nextCursor(): number {
    return this.cursor;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Sends a control frame, waiting for the (re)connection if needed; frames keep their order. */
  async send(frame: ClientFrame): Promise<void> {
    for (;;) {
      if (this.finished) {
        throw new SandboxError(`exec ${this.execId} has ended; it takes no more input`, {
          code: "EXEC_FINISHED",
          hint: "Start a new command.",
        });
      }
      const socket = this.socket;
      if (socket && socket.readyState === socket.OPEN) {
        await new Promise<void>((resolve, reject) =>
          socket.send(JSON.stringify(frame), (e) => (e ? reject(e) : resolve())),
        );
        return;
      }
      await new Promise<void>((resolve, reject) => this.openWaiters.push({ resolve, reject }));
    }
  }

  /** Stops following the exec without affecting it. `done` rejects if the exec had not ended. */
  close(): void {
    if (this.finished) return;
    this.closedByUser = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close(1000);
    this.finish(
      new C8sSdkError(`stopped following exec ${this.execId}`, {
        code: "DISCONNECTED",
        hint: "Reattach with sandbox.commands.connect(execId).",
      }),
    );
  }

  /** Drops the current connection as a network failure would (used by tests and by callers that want a fresh socket). */
  dropConnection(): void {
    this.socket?.terminate();
  }

  private connect(): void {
    loadWebSocket().then(
      (ws) => this.open(ws),
      (error: Error) =>
        this.finish(
          new ConnectionError(`cannot load the WebSocket client: ${error.message}`, { hint: "Reinstall c8s." }),
        ),
    );
  }

  private open(WebSocketClass: typeof WebSocket): void {
    if (this.finished || this.closedByUser) return;
    const path = `/v1/sandboxes/${encodeURIComponent(this.sandboxId)}/execs/${encodeURIComponent(this.execId)}/attach`;
    const socket = new WebSocketClass(this.api.wsUrl(path, { cursor: this.cursor }), {
      headers: this.api.authHeaders(),
    });
    this.socket = socket;
    let rejectedByServer = false;

    socket.on("open", () => {
      this.attempts = 0;
      const waiters = this.openWaiters;
      this.openWaiters = [];
      for (const w of waiters) w.resolve();
    });
    socket.on("message", (raw, isBinary) => {
      if (isBinary) return;
      this.onFrame(raw.toString());
    });
    socket.on("unexpected-response", (_req, res) => {
      rejectedByServer = true;
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(parts).toString("utf8"));
        } catch {
          body = undefined;
        }
        const status = res.statusCode ?? 500;
        socket.terminate();
        if (status >= 500 || status === 429) this.scheduleReconnect();
        else void this.onAttachRejected(errorFromApi(status, body));
      });
    });
    socket.on("error", () => {
      // 'close' follows and decides whether to reconnect.
    });
    socket.on("close", () => {
      if (this.socket !== socket) return;
      if (this.finished || this.closedByUser || rejectedByServer) return;
      this.scheduleReconnect();
    });
  }

  private onFrame(text: string): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    switch (frame["type"]) {
      case "output": {
        const seq = Number(frame["seq"]);
        if (!Number.isInteger(seq) || seq < this.cursor) return;
        this.cursor = seq + 1;
        const stream = frame["stream"] === "stderr" ? "stderr" : "stdout";
        const data = Buffer.from(String(frame["data"] ?? ""), "base64");
        this.options.onChunk({ seq, stream, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
        return;
      }
      case "exit":
        this.finish(undefined, {
          exitCode: typeof frame["exitCode"] === "number" ? frame["exitCode"] : null,
          signal: typeof frame["signal"] === "string" ? frame["signal"] : null,
          reason: typeof frame["reason"] === "string" ? frame["reason"] : "exit",
          durationMs: typeof frame["durationMs"] === "number" ? frame["durationMs"] : 0,
        });
        this.socket?.close(1000);
        return;
      case "error":
        this.finish(errorFromApi(undefined, frame));
        this.socket?.close(1000);
        return;
      default:
        return;
    }
  }

  /** The server refused to attach: if the exec has ended and is no longer buffered, report its record. */
  private async onAttachRejected(error: C8sSdkError): Promise<void> {
    if (error.code === "EXEC_NOT_FOUND" || error.status === 410) {
      try {
        const path = `/v1/sandboxes/${encodeURIComponent(this.sandboxId)}/execs/${encodeURIComponent(this.execId)}`;
        const record = await this.api.json<ExecInfo>("GET", path);
        if (record.state === "finished" && error.status !== 410) {
          this.finish(undefined, {
            exitCode: record.exitCode,
            signal: record.signal,
            reason: record.reason ?? "exit",
            durationMs: record.durationMs ?? 0,
          });
          return;
        }
      } catch {
        // fall through to the original error
      }
    }
    this.finish(error);
  }

  private scheduleReconnect(): void {
    if (this.finished || this.closedByUser) return;
    this.attempts += 1;
    if (this.attempts > this.api.connection.maxReconnects) {
      this.finish(
        new ConnectionError(`lost the output stream of exec ${this.execId} and could not reconnect`, {
          code: "CONNECTION_FAILED",
          hint: "Check that the c8s server is up; the exec may still be running — reattach with commands.connect(execId).",
          details: { execId: this.execId, cursor: this.cursor, attempts: this.attempts - 1 },
        }),
      );
      return;
    }
    this.options.onReconnect?.(this.attempts, this.cursor);
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (this.attempts - 1));
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private finish(error: Error | undefined, exit?: ExitInfo): void {
    if (this.finished) return;
    this.finished = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const waiters = this.openWaiters;
    this.openWaiters = [];
    const waitError = error ?? new SandboxError(`exec ${this.execId} has ended`, { code: "EXEC_FINISHED" });
    for (const w of waiters) w.reject(waitError);
    if (error) this.rejectDone(error);
    else if (exit) this.resolveDone(exit);
  }
}
