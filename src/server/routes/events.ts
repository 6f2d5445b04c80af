/** /v1/events: lifecycle events as a finished JSON list or a followed Server-Sent Events stream. */
import type { FastifyInstance } from "fastify";
import type { SandboxEvent, Store } from "../../store/types.ts";
import { teamFilter } from "../access.ts";
import { eventListResponse, eventsQuery } from "../api-schemas.ts";
import type { RouteDeps } from "../deps.ts";
import { defineRoute } from "../route-registry.ts";

const HEARTBEAT_MS = 15_000;
const DEFAULT_LIST_LIMIT = 1000;

export function sseFrame(event: SandboxEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Whether an event is about a sandbox of `teamId` (undefined: every team, for admins). Each
 * sandbox's team is looked up once per request.
 */
function teamEvents(store: Store, teamId: string | undefined): (event: SandboxEvent) => Promise<boolean> {
  if (teamId === undefined) return () => Promise.resolve(true);
  const teams = new Map<string, string | null>();
  return async (event) => {
    if (!teams.has(event.sandboxId))
      teams.set(event.sandboxId, (await store.sandboxes.get(event.sandboxId))?.teamId ?? null);
    return teams.get(event.sandboxId) === teamId;
  };
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
    scope: "sandboxes:read",
    query: eventsQuery,
    responses: {
      200: {
        description: "JSON when follow is not true; text/event-stream when it is.",
        schema: eventListResponse,
        alternatives: ["text/event-stream"],
      },
    },
    handler: async ({ query, request, reply }) => {
      const afterSeq = resumePoint(query.after, request.headers["last-event-id"]);
      // Another team's sandboxes' events are left out (a named one: as if it had none).
      const visible = teamEvents(store, teamFilter(request.auth));
      if (query.follow !== true) {
        const events = await store.events.list({
          ...(afterSeq === undefined ? {} : { afterSeq }),
          ...(query.sandbox === undefined ? {} : { sandboxId: query.sandbox }),
          limit: query.limit ?? DEFAULT_LIST_LIMIT,
        });
        const shown: SandboxEvent[] = [];
        for (const event of events) if (await visible(event)) shown.push(event);
        return { events: shown };
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
          if (!(await visible(event))) continue;
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
