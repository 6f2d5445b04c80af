/**
 * Client WebSocket messages are bounded and parsed in one place. `ws` enforces `maxPayload`
 * itself (the message is never buffered past it) and then closes the socket with 1009 from
 * inside its receiver; `boundedWebSocketClass` turns that bare close into c8s's error frame
 * followed by a close whose reason is the c8s code, so a client learns which limit it hit.
 * Malformed messages (binary, not JSON) become a `C8sError` value, never a throw inside a
 * socket listener (a throw there would escape to the process).
 */
import type { FastifyRequest } from "fastify";
import { WebSocket } from "ws";
import { C8sError } from "../errors/index.ts";

/**
 * A WebSocket route's onRequest hook: a plain HTTP request (no `upgrade: websocket`) gets 426
 * UPGRADE_REQUIRED in c8s's error body (the plugin's own answer is an empty 404).
 */
export async function requireWebSocketUpgrade(request: FastifyRequest): Promise<void> {
  if (String(request.headers.upgrade ?? "").toLowerCase() !== "websocket")
    throw new C8sError("UPGRADE_REQUIRED", `${request.routeOptions.url ?? "this route"} is a WebSocket endpoint`, {
      hint: "Connect with a WebSocket client (Connection: Upgrade, Upgrade: websocket); see docs/api.md.",
    });
}

/** The default cap for one client WebSocket message (a start frame, a stdin chunk). */
export const DEFAULT_WS_MESSAGE_BYTES = 1024 * 1024;
/** How long a socket whose peer broke the protocol may take to finish the close handshake. */
const CLOSE_GRACE_MS = 2000;

/** The close codes `ws` sends on its own when a client frame is unacceptable, as c8s errors. */
function receiverError(code: number, limitBytes: number): C8sError | undefined {
  switch (code) {
    case 1009:
      return new C8sError("PAYLOAD_TOO_LARGE", `a WebSocket message is larger than the ${limitBytes}-byte limit`, {
        details: { field: "message", limitBytes },
        hint: "Send stdin in smaller chunks (several stdin frames), or upload large input as a file first.",
      });
    case 1007:
      return new C8sError("VALIDATION_FAILED", "a WebSocket text message is not valid UTF-8", {
        details: { field: "message" },
        hint: "Send JSON text frames encoded as UTF-8.",
      });
    case 1002:
      return new C8sError("VALIDATION_FAILED", "the client broke the WebSocket protocol", {
        details: { field: "message" },
        hint: "Use a conforming WebSocket client.",
      });
    default:
      return undefined;
  }
}

/**
 * A `WebSocket` class for the server (`ws`'s documented `WebSocket` option): when `ws` closes a
 * socket because of the client's frame (too large, bad UTF-8, protocol error) it first sends
 * `{type:"error", code, message, hint, details}` and closes with the c8s code as reason.
 */
export function boundedWebSocketClass(limitBytes: number): typeof WebSocket {
  return class BoundedWebSocket extends WebSocket {
    override close(code?: number, data?: string | Buffer): void {
      // Our own routes always give a reason; only `ws`'s receiver closes with a bare code.
      const error = data === undefined && code !== undefined ? receiverError(code, limitBytes) : undefined;
      if (error === undefined || this.readyState !== WebSocket.OPEN) return super.close(code, data);
      this.send(JSON.stringify(errorFrame(error)));
      super.close(code, error.code);
    }
  };
}

/** The `errorHandler` of @fastify/websocket: a client's bad frame is its problem, not the server's. */
export function webSocketErrorHandler(error: Error, socket: WebSocket, request: FastifyRequest): void {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("WS_ERR_")) {
    // `ws` already sent the close frame; give the peer a moment to answer it, then cut.
    request.log.debug({ code }, "websocket client message refused");
    const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
    return;
  }
  request.log.warn({ err: error }, "websocket failed");
  socket.terminate();
}

export type WsFrame = Record<string, unknown> & { type: string };

export function errorFrame(e: C8sError): WsFrame {
  return {
    type: "error",
    code: e.code,
    message: e.code === "INTERNAL" ? "internal server error" : e.message,
    hint: e.hint ?? null,
    details: e.details,
  };
}

/** A client message as JSON, or the C8sError saying why it is not one. */
export function parseClientMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): unknown {
  if (isBinary) {
    return new C8sError("VALIDATION_FAILED", "binary WebSocket messages are not accepted", {
      details: { field: "message" },
      hint: 'Send JSON text frames such as {"type":"stdin","data":"<base64>"}.',
    });
  }
  const text = Array.isArray(data)
    ? Buffer.concat(data).toString("utf8")
    : Buffer.from(data as ArrayBuffer).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return new C8sError("VALIDATION_FAILED", "a WebSocket message is not valid JSON", {
      details: { field: "message" },
      hint: 'Send one JSON object per text frame, such as {"type":"stdin_eof"}.',
    });
  }
}
