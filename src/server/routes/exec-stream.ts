/**
 * Exec over WebSocket: `exec/stream` starts an exec from the first client message and
 * streams it; `execs/:execId/attach?cursor=N` (re)attaches to a running or buffered exec and
 * replays every chunk from N exactly once. Disconnecting never kills the exec.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import { C8sError, toC8sError } from "../../errors/index.ts";
import type { ExecSession } from "../../engine/types.ts";
import {
  attachQuery,
  clientFrame,
  execParams,
  sandboxParams,
  streamQuery,
  streamStartMessage,
} from "../api-schemas.ts";
import type { RouteDeps } from "../deps.ts";
import type { C8sRouteConfig } from "../route-registry.ts";
import { parseInput } from "../validate.ts";
import { errorFrame, parseClientMessage, requireWebSocketUpgrade, type WsFrame } from "../ws-messages.ts";

const TAG = "exec";
const START_TIMEOUT_MS = 30_000;
const HIGH_WATER_BYTES = 1024 * 1024;
const WS_CONFIG: C8sRouteConfig = { auth: "token", queryToken: true };

/** Control frames queued but not applied yet: above this the socket is paused (back-pressure). */
const MAX_QUEUED_FRAMES = 64;

type Frame = WsFrame;

/** Sends one JSON frame; waits for the write only under back-pressure. Shared by the run-log stream. */
export function send(socket: WebSocket, frame: Frame): Promise<void> {
  if (socket.readyState !== socket.OPEN) return Promise.resolve();
  const text = JSON.stringify(frame);
  // Wait for the write only under back-pressure, so a slow client slows the pump, not memory.
  if (socket.bufferedAmount < HIGH_WATER_BYTES) {
    socket.send(text);
    return Promise.resolve();
  }
  return new Promise((resolve) => socket.send(text, () => resolve()));
}

/** Sends c8s's error frame, then closes with the code as reason (1008, or 1011 for a server fault). */
export async function sendErrorAndClose(socket: WebSocket, error: unknown): Promise<void> {
  const e = toC8sError(error);
  await send(socket, errorFrame(e));
  if (socket.readyState === socket.OPEN) socket.close(e.httpStatus >= 500 ? 1011 : 1008, e.code);
}

/** Streams output from `cursor`, then the exit frame, then closes with 1000. */
async function pump(socket: WebSocket, session: ExecSession, cursor: number, abort: AbortSignal): Promise<void> {
  try {
    for await (const chunk of session.output(cursor, abort)) {
      if (abort.aborted || socket.readyState !== socket.OPEN) return;
      await send(socket, { type: "output", seq: chunk.seq, stream: chunk.stream, data: chunk.data.toString("base64") });
    }
    if (abort.aborted) return;
    const outcome = await session.done;
    await send(socket, {
      type: "exit",
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      reason: outcome.reason,
      durationMs: outcome.durationMs,
    });
    if (socket.readyState === socket.OPEN) socket.close(1000);
  } catch (error) {
    if (abort.aborted) return;
    await sendErrorAndClose(socket, error);
  }
}

/** Applies client frames to the exec, one at a time, in arrival order. */
function controlChannel(socket: WebSocket, request: FastifyRequest) {
  let session: ExecSession | undefined;
  let chain = Promise.resolve();
  const pending: unknown[] = [];
  let queued = 0;
  async function apply(raw: unknown): Promise<void> {
    if (session === undefined) return;
    if (raw instanceof C8sError) throw raw;
    const frame = parseInput(clientFrame, raw, "message");
    switch (frame.type) {
      case "stdin":
        return session.writeStdin(Buffer.from(frame.data, "base64"));
      case "stdin_eof":
        return session.closeStdin();
      case "resize":
        return session.resize({ rows: frame.rows, cols: frame.cols });
      case "signal":
        return session.kill(frame.signal);
    }
  }
  function enqueue(raw: unknown): void {
    chain = chain.then(async () => {
      try {
        await apply(raw);
      } catch (error) {
        const e = toC8sError(error);
        if (e.code === "VALIDATION_FAILED") return sendErrorAndClose(socket, e);
        // Input racing the exec's end is not an error worth ending the stream for.
        request.log.debug({ code: e.code }, "exec control frame not applied");
      } finally {
        settled();
      }
    });
  }
  /** A flood of frames waits in the client's socket, not in server memory. */
  function admitted(): void {
    queued += 1;
    if (queued > MAX_QUEUED_FRAMES && !socket.isPaused) socket.pause();
  }
  function settled(): void {
    queued -= 1;
    if (queued <= MAX_QUEUED_FRAMES / 4 && socket.isPaused) socket.resume();
  }
  return {
    /** Frames that arrived before the session existed (only the stream route has that window). */
    pending,
    bind(s: ExecSession): void {
      session = s;
      for (const raw of pending.splice(0)) enqueue(raw);
    },
    push(raw: unknown): void {
      admitted();
      if (session === undefined) pending.push(raw);
      else enqueue(raw);
    },
  };
}

export async function execStreamRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { engine, registry } = deps;
  const attachments = new WeakMap<FastifyRequest, { session: ExecSession; cursor: number }>();
  const streamTargets = new WeakMap<FastifyRequest, string>();

  registry.add({
    method: "GET",
    url: "/v1/sandboxes/:id/execs/:execId/attach",
    summary:
      "WebSocket: attach to an exec and receive its output from `cursor` (default 0) exactly once, then its exit. Accepts stdin/stdin_eof/resize/signal frames.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:write",
    owns: "sandbox",
    params: execParams,
    query: attachQuery,
    websocket: true,
    responses: {
      101: { description: "Switching to the WebSocket protocol." },
      404: { description: "No such sandbox or exec." },
      410: { description: "The exec's output is no longer buffered (EXEC_OUTPUT_EXPIRED)." },
    },
  });
  app.get(
    "/v1/sandboxes/:id/execs/:execId/attach",
    {
      websocket: true,
      config: WS_CONFIG,
      onRequest: requireWebSocketUpgrade,
      preValidation: async (request) => {
        const params = parseInput(execParams, request.params, "params");
        const query = parseInput(attachQuery, request.query ?? {}, "query");
        const { record, live } = await engine.getExec(params.id, params.execId);
        if (live === null) {
          throw new C8sError(
            "EXEC_OUTPUT_EXPIRED",
            `exec ${params.execId} has ended and its output is no longer buffered`,
            {
              details: {
                sandboxId: params.id,
                execId: params.execId,
                state: record.state,
                exitCode: record.exitCode,
                reason: record.reason,
              },
              hint: `GET /v1/sandboxes/${params.id}/execs/${params.execId} for its exit status.`,
            },
          );
        }
        attachments.set(request, { session: live, cursor: query.cursor ?? 0 });
      },
    },
    (socket, request) => {
      const control = controlChannel(socket, request);
      const abort = new AbortController();
      socket.on("message", (data, isBinary) => control.push(parseClientMessage(data, isBinary)));
      socket.on("close", () => abort.abort());
      const target = attachments.get(request);
      if (target === undefined) {
        socket.close(1011);
        return;
      }
      control.bind(target.session);
      void pump(socket, target.session, target.cursor, abort.signal);
    },
  );

  registry.add({
    method: "GET",
    url: "/v1/sandboxes/:id/exec/stream",
    summary:
      'WebSocket: send {"type":"start", command, env?, cwd?, timeoutMs?, tty?, stdin?} first; receive started, output (seq, base64) and exit frames.',
    tag: TAG,
    auth: "token",
    scope: "sandboxes:write",
    owns: "sandbox",
    params: sandboxParams,
    query: streamQuery,
    websocket: true,
    responses: {
      101: { description: "Switching to the WebSocket protocol." },
      404: { description: "No such sandbox." },
    },
  });
  app.get(
    "/v1/sandboxes/:id/exec/stream",
    {
      websocket: true,
      config: WS_CONFIG,
      onRequest: requireWebSocketUpgrade,
      preValidation: async (request) => {
        const params = parseInput(sandboxParams, request.params, "params");
        parseInput(streamQuery, request.query ?? {}, "query");
        await engine.get(params.id);
        streamTargets.set(request, params.id);
      },
    },
    (socket, request) => {
      const sandboxId = streamTargets.get(request) ?? "";
      const control = controlChannel(socket, request);
      const abort = new AbortController();
      let started = false;
      const startTimer = setTimeout(() => {
        void sendErrorAndClose(
          socket,
          new C8sError("INVALID_ARGUMENT", "no start message arrived", {
            hint: 'Send {"type":"start","command":[…]} first.',
          }),
        );
      }, START_TIMEOUT_MS);
      socket.on("close", () => {
        clearTimeout(startTimer);
        abort.abort();
      });
      socket.on("message", (data, isBinary) => {
        const message = parseClientMessage(data, isBinary);
        if (started) return control.push(message);
        started = true;
        clearTimeout(startTimer);
        void (async () => {
          try {
            if (message instanceof C8sError) throw message;
            const { type: _type, ...input } = parseInput(streamStartMessage, message, "message");
            const session = await engine.exec(sandboxId, { ...input, stdin: input.stdin ?? true });
            await send(socket, { type: "started", execId: session.id });
            control.bind(session);
            await pump(socket, session, 0, abort.signal);
          } catch (error) {
            await sendErrorAndClose(socket, error);
          }
        })();
      });
    },
  );
}
