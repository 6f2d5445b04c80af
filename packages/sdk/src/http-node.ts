/**
 * JSON requests over node:http(s) instead of `fetch`: the same wire format, but no undici to load,
 * which is most of what a short-lived process (the `c8s` CLI) pays for its first request.
 * Failures take the shapes `fetch` gives them (a TypeError with the socket error as `cause`, or
 * the abort signal's reason), so http.ts maps both alike.
 */
import type { IncomingMessage } from "node:http";

export interface SmallResponse {
  status: number;
  retryAfter: string | null;
  text: string;
}

function header(value: string | string[] | undefined): string | null {
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

export async function nodeRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  signal: AbortSignal | null,
): Promise<SmallResponse> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? await import("node:https") : await import("node:http");
  signal?.throwIfAborted();
  return new Promise<SmallResponse>((resolve, reject) => {
    const sent = body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) };
    const onAbort = () => req.destroy();
    const done = () => signal?.removeEventListener("abort", onAbort);
    const fail = (error: unknown) => {
      done();
      reject(signal?.aborted ? signal.reason : Object.assign(new TypeError("fetch failed"), { cause: error }));
    };
    const req = client.request(target, { method, headers: sent }, (res: IncomingMessage) => {
      const parts: Buffer[] = [];
      res.on("data", (chunk: Buffer) => parts.push(chunk));
      res.on("error", fail);
      res.on("end", () => {
        done();
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: header(res.headers["retry-after"]),
          text: Buffer.concat(parts).toString("utf8"),
        });
      });
    });
    req.on("error", fail);
    signal?.addEventListener("abort", onAbort, { once: true });
    req.end(body);
  });
}
