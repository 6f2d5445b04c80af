/** /v1/events: lifecycle events as a finished JSON list or a followed Server-Sent Events stream. */
import type { FastifyInstance } from "fastify";
import type { SandboxEvent } from "../../store/types.ts";
import { eventListResponse, eventsQuery } from "../api-schemas.ts";
import type { RouteDeps } from "../deps.ts";
import { defineRoute } from "../route-registry.ts";

const HEARTBEAT_MS = 15_000;
const DEFAULT_LIST_LIMIT = 1000;

export function sseFrame(event: SandboxEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** `after` from the query, else the standard Last-Event-ID header a reconnecting EventSource sends. */
function resumePoint(after: number | undefined, lastEventId: string | string[] | undefined): number | undefined {
  if (after !== undefined) return after;
  const header = Array.isArray(lastEventId) ? lastEventId[0] : lastEventId;
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

export async function eventRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { engine, store, registry } = deps;

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/events",
    summary:
      "Lifecycle events after `after` (or Last-Event-ID). follow=true: text/event-stream (id = seq, event = type), kept open; otherwise JSON {events}.",
    tag: "events",
    auth: "token",
    query: eventsQuery,
    responses: {
      200: { description: "JSON when follow is not true; text/event-stream when it is.", schema: eventListResponse },
    },
    handler: async ({ query, request, reply }) => {
      const afterSeq = resumePoint(query.after, request.headers["last-event-id"]);
      if (query.follow !== true) {
        const events = await store.events.list({
          ...(afterSeq === undefined ? {} : { afterSeq }),
          ...(query.sandbox === undefined ? {} : { sandboxId: query.sandbox }),
          limit: query.limit ?? DEFAULT_LIST_LIMIT,
        });
        return { events };
      }
      const abort = new AbortController();
      const raw = reply.raw;
      reply.hijack();
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      raw.write(": c8s events\n\n");
      const heartbeat = setInterval(() => raw.write(": keep-alive\n\n"), HEARTBEAT_MS);
      const stop = () => abort.abort();
      request.raw.on("close", stop);
      raw.on("close", stop);
      deps.shutdown.addEventListener("abort", stop, { once: true });
      try {
        for await (const event of engine.events({
          ...(afterSeq === undefined ? {} : { afterSeq }),
          ...(query.sandbox === undefined ? {} : { sandboxId: query.sandbox }),
          signal: abort.signal,
        })) {
          if (abort.signal.aborted) break;
          if (!raw.write(sseFrame(event))) {
            await new Promise<void>((resolve) => {
              raw.once("drain", resolve);
              abort.signal.addEventListener("abort", () => resolve(), { once: true });
            });
          }
        }
      } catch (error) {
        if (!abort.signal.aborted) request.log.warn({ err: error }, "event stream failed");
      } finally {
        clearInterval(heartbeat);
        deps.shutdown.removeEventListener("abort", stop);
        raw.end();
      }
      return reply;
    },
  });
}
