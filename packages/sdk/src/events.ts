/** Lifecycle events: a finished list, or a followed Server-Sent Events stream resumable by seq. */
import type { ApiClient } from "./http.ts";
import type { SandboxEvent } from "./types.ts";

export interface EventsOptions {
  /** Only events with a seq greater than this. */
  after?: number;
  sandboxId?: string;
  /** Keep the stream open for new events (default false: return what is stored). */
  follow?: boolean;
  signal?: AbortSignal;
}

/** Parses an SSE byte stream into `data:` payloads (one per event). Pure over its input. */
export async function* parseServerSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      if (line === "") {
        if (data.length > 0) yield data.join("\n");
        data = [];
      } else if (line.startsWith("data:")) {
        data.push(line.slice(5).replace(/^ /, ""));
      }
    }
  }
  if (data.length > 0) yield data.join("\n");
}

export async function* streamEvents(api: ApiClient, options: EventsOptions = {}): AsyncGenerator<SandboxEvent> {
  const query = { after: options.after, sandbox: options.sandboxId, follow: options.follow ? "true" : "false" };
  if (!options.follow) {
    const res = await api.json<{ events: SandboxEvent[] }>("GET", "/v1/events", { query, signal: options.signal });
    yield* res.events;
    return;
  }
  const res = await api.request("GET", "/v1/events", { query, signal: options.signal, timeoutMs: 0 });
  if (!res.body) return;
  try {
    for await (const payload of parseServerSentEvents(res.body as unknown as AsyncIterable<Uint8Array>)) {
      yield JSON.parse(payload) as SandboxEvent;
    }
  } catch (error) {
    if (options.signal?.aborted) return;
    throw error;
  }
}
