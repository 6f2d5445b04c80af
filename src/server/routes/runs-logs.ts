/**
 * A step's artifacts (download) and logs: the whole masked text, a Server-Sent Events stream
 * or a WebSocket that follows the step
 * live. Each event's id is the byte offset reached after it; a client reconnecting with
 * `Last-Event-ID` (or `?cursor=`) gets every later byte exactly once.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { LogSource } from "../../pipelines/service/live-logs.ts";
import { TERMINAL_RUN_STATES } from "../../pipelines/service/run-service.ts";
import { C8sError } from "../../errors/index.ts";
import { errorResponse } from "../api-schemas.ts";
import { type C8sRouteConfig, defineRoute } from "../route-registry.ts";
import { requireWebSocketUpgrade } from "../ws-messages.ts";
import { parseInput } from "../validate.ts";
import { send, sendErrorAndClose } from "./exec-stream.ts";
import type { PipelineRouteDeps } from "./runs-deps.ts";

const HEARTBEAT_MS = 15_000;
const stepParams = z.strictObject({ id: z.string().min(1).max(100), step: z.string().min(1).max(300) });
const logQuery = z.strictObject({
  follow: z.enum(["true", "false"]).optional(),
  cursor: z.coerce.number().int().min(0).optional(),
});
const wsLogQuery = z.strictObject({
  cursor: z.coerce.number().int().min(0).optional(),
  access_token: z.string().optional(),
});
const artifactQuery = z.strictObject({ path: z.string().min(1).max(4096) });
const WS_CONFIG: C8sRouteConfig = { auth: "token", queryToken: true };

/** One output event: `id` is the offset reached after it (the resume cursor), `data.offset` where it starts. */
export function logFrame(start: number, stream: string, data: Buffer): string {
  const end = start + data.length;
  const payload = { stream, offset: start, text: data.toString("utf8"), base64: data.toString("base64") };
  return `id: ${end}\nevent: output\ndata: ${JSON.stringify(payload)}\n\n`;
}

function cursorFrom(query: number | undefined, header: string | string[] | undefined): number {
  if (query !== undefined) return query;
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : 0;
}

interface LogChunk {
  offset: number;
  stream: string;
  data: Buffer;
}

/**
 * Feeds a step's log from `cursor` to `emit` until its output ends (or `signal` aborts);
 * resolves with the offset reached. A run queued but not started yet is waited for.
 */
async function followStepLog(
  deps: PipelineRouteDeps,
  runId: string,
  step: string,
  source: LogSource,
  cursor: number,
  signal: AbortSignal,
  emit: (chunk: LogChunk) => Promise<void>,
): Promise<number> {
  const { runs } = deps;
  let position = cursor;
  while (!signal.aborted && !runs.logs.has(runId)) {
    const { run } = await runs.details(runId);
    if (TERMINAL_RUN_STATES.includes(run.state) || (run.state === "running" && !runs.isActive(runId))) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  for await (const chunk of runs.logs.read(runId, step, source, cursor, signal)) {
    if (signal.aborted) break;
    position = chunk.offset + chunk.data.length;
    await emit(chunk);
  }
  return position;
}

export async function runLogRoutes(app: FastifyInstance, deps: PipelineRouteDeps): Promise<void> {
  const { runs, registry } = deps;

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/runs/:id/steps/:step/artifacts",
    summary: "Download one artifact a step collected (`path` as the run lists it under `artifacts`).",
    tag: "runs",
    auth: "token",
    scope: "runs:read",
    owns: "run",
    params: stepParams,
    query: artifactQuery,
    responses: {
      200: {
        description: "The artifact's bytes (streamed from the blob store).",
        contentType: "application/octet-stream",
      },
      404: { description: "No such run, step or artifact.", schema: errorResponse },
      410: {
        description: "ARTIFACT_EXPIRED: the artifact retention (C8S_ARTIFACT_RETENTION_DAYS) deleted it.",
        schema: errorResponse,
      },
    },
    handler: async ({ params, query, reply }) => {
      const { stream, size } = await runs.openArtifact(params.id, params.step, query.path);
      const name = query.path.split("/").pop() ?? "artifact";
      return reply
        .type("application/octet-stream")
        .header("content-length", size)
        .header("content-disposition", `attachment; filename="${name.replace(/["\\\r\n]/g, "_")}"`)
        .send(stream);
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/runs/:id/steps/:step/logs",
    summary:
      "A step's masked log: text/plain (from ?cursor= bytes), or with follow=true / Accept: text/event-stream a live SSE stream (id = byte offset; Last-Event-ID resumes; `end` event when the step's output ends).",
    tag: "runs",
    auth: "token",
    scope: "runs:read",
    owns: "run",
    params: stepParams,
    query: logQuery,
    responses: {
      200: {
        description: "text/plain, or text/event-stream when following.",
        contentType: "text/plain",
        alternatives: ["text/event-stream"],
      },
      404: { description: "No such run or step.", schema: errorResponse },
    },
    handler: async ({ params, query, request, reply }) => {
      const { runId, source } = await runs.stepLog(params.id, params.step);
      const cursor = cursorFrom(query.cursor, request.headers["last-event-id"]);
      const follow =
        query.follow === "true" || (query.follow === undefined && request.headers.accept === "text/event-stream");
      // Streamed from the spool or the blob, never read whole into memory.
      if (!follow) return reply.type("text/plain; charset=utf-8").send(await source(cursor));

      const abort = new AbortController();
      const raw = reply.raw;
      reply.hijack();
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      raw.write(": c8s step log\n\n");
      const heartbeat = setInterval(() => raw.write(": keep-alive\n\n"), HEARTBEAT_MS);
      const stop = () => abort.abort();
      request.raw.on("close", stop);
      raw.on("close", stop);
      deps.shutdown.addEventListener("abort", stop, { once: true });
      try {
        const position = await followStepLog(deps, runId, params.step, source, cursor, abort.signal, async (chunk) => {
          if (!raw.write(logFrame(chunk.offset, chunk.stream, chunk.data)))
            await new Promise<void>((resolve) => {
              raw.once("drain", resolve);
              abort.signal.addEventListener("abort", () => resolve(), { once: true });
            });
        });
        if (!abort.signal.aborted) raw.write(`id: ${position}\nevent: end\ndata: {"offset":${position}}\n\n`);
      } catch (error) {
        if (!abort.signal.aborted) {
          request.log.warn({ err: error }, "log stream failed");
          raw.write(`event: error\ndata: ${JSON.stringify({ message: String(error) })}\n\n`);
        }
      } finally {
        clearInterval(heartbeat);
        deps.shutdown.removeEventListener("abort", stop);
        raw.end();
      }
      return reply;
    },
  });

  const targets = new WeakMap<FastifyRequest, { runId: string; step: string; source: LogSource; cursor: number }>();
  registry.add({
    method: "GET",
    url: "/v1/runs/:id/steps/:step/logs/ws",
    summary:
      "WebSocket: a step's masked log from `cursor` (byte offset, default 0) as output frames {stream, offset, end, text, base64}, then {type:end, offset} when the step's output ends. Reconnect with cursor = the last frame's end: no gap, no duplicate.",
    tag: "runs",
    auth: "token",
    scope: "runs:read",
    owns: "run",
    params: stepParams,
    query: wsLogQuery,
    websocket: true,
    responses: {
      101: { description: "Switching to the WebSocket protocol." },
      404: { description: "No such run or step." },
    },
  });
  app.get(
    "/v1/runs/:id/steps/:step/logs/ws",
    {
      websocket: true,
      config: WS_CONFIG,
      onRequest: requireWebSocketUpgrade,
      preValidation: async (request) => {
        const params = parseInput(stepParams, request.params, "params");
        const query = parseInput(wsLogQuery, request.query ?? {}, "query");
        const { runId, source } = await runs.stepLog(params.id, params.step);
        targets.set(request, { runId, step: params.step, source, cursor: query.cursor ?? 0 });
      },
    },
    (socket, request) => {
      const target = targets.get(request);
      if (target === undefined) return socket.close(1011);
      const abort = new AbortController();
      const stop = () => abort.abort();
      socket.on("close", stop);
      // The log stream is one-way: any client message is a client bug, said so and closed.
      socket.on("message", () => {
        stop();
        void sendErrorAndClose(
          socket,
          new C8sError("VALIDATION_FAILED", "the step log stream accepts no client messages", {
            details: { field: "message" },
            hint: "Only read from this socket; reconnect with ?cursor= to resume.",
          }),
        );
      });
      deps.shutdown.addEventListener("abort", stop, { once: true });
      void (async () => {
        try {
          const { runId, step, source, cursor } = target;
          const position = await followStepLog(deps, runId, step, source, cursor, abort.signal, (chunk) =>
            send(socket, {
              type: "output",
              stream: chunk.stream,
              offset: chunk.offset,
              end: chunk.offset + chunk.data.length,
              text: chunk.data.toString("utf8"),
              base64: chunk.data.toString("base64"),
            }),
          );
          if (!abort.signal.aborted) {
            await send(socket, { type: "end", offset: position });
            socket.close(1000);
          }
        } catch (error) {
          if (!abort.signal.aborted) await sendErrorAndClose(socket, error);
        } finally {
          deps.shutdown.removeEventListener("abort", stop);
        }
      })();
    },
  );
}
