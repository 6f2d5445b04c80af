/**
 * Step logs: the whole masked text, or a Server-Sent Events stream that follows the step
 * live. Each event's id is the byte offset reached after it; a client reconnecting with
 * `Last-Event-ID` (or `?cursor=`) gets every later byte exactly once.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { readLogRange } from "../../pipelines/server/live-logs.ts";
import { TERMINAL_RUN_STATES } from "../../pipelines/server/run-service.ts";
import { errorResponse } from "../api-schemas.ts";
import { defineRoute } from "../route-registry.ts";
import type { PipelineRouteDeps } from "./runs-deps.ts";

const HEARTBEAT_MS = 15_000;
const stepParams = z.strictObject({ id: z.string().min(1).max(100), step: z.string().min(1).max(300) });
const logQuery = z.strictObject({
  follow: z.enum(["true", "false"]).optional(),
  cursor: z.coerce.number().int().min(0).optional(),
});

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

export async function runLogRoutes(app: FastifyInstance, deps: PipelineRouteDeps): Promise<void> {
  const { runs, registry } = deps;

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/runs/:id/steps/:step/logs",
    summary:
      "A step's masked log: text/plain (from ?cursor= bytes), or with follow=true / Accept: text/event-stream a live SSE stream (id = byte offset; Last-Event-ID resumes; `end` event when the step's output ends).",
    tag: "runs",
    auth: "token",
    params: stepParams,
    query: logQuery,
    responses: {
      200: { description: "text/plain, or text/event-stream when following.", contentType: "text/plain" },
      404: { description: "No such run or step.", schema: errorResponse },
    },
    handler: async ({ params, query, request, reply }) => {
      const { runId, path } = await runs.logPath(params.id, params.step);
      const cursor = cursorFrom(query.cursor, request.headers["last-event-id"]);
      const follow =
        query.follow === "true" || (query.follow === undefined && request.headers.accept === "text/event-stream");
      if (!follow) return reply.type("text/plain; charset=utf-8").send(await readLogRange(path, cursor));

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
      let position = cursor;
      try {
        // A run queued here but not started yet: wait until it runs (its feed appears) or ends.
        while (!abort.signal.aborted && !runs.logs.has(runId)) {
          const { run } = await runs.details(runId);
          if (TERMINAL_RUN_STATES.includes(run.state) || (run.state === "running" && !runs.isActive(runId))) break;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        for await (const chunk of runs.logs.read(runId, params.step, path, cursor, abort.signal)) {
          if (abort.signal.aborted) break;
          position = chunk.offset + chunk.data.length;
          if (!raw.write(logFrame(chunk.offset, chunk.stream, chunk.data)))
            await new Promise<void>((resolve) => {
              raw.once("drain", resolve);
              abort.signal.addEventListener("abort", () => resolve(), { once: true });
            });
        }
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
}
