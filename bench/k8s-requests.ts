/**
 * Counting what the kubernetes runtime asks of the API server, two ways:
 * - `CountingKubeConfig`: a KubeConfig that records every request c8s's client makes, at the
 *   three places @kubernetes/client-node authenticates one (REST calls, watches, exec
 *   WebSockets) — exact, and only c8s's own;
 * - `apiserver_request_total` from the API server's /metrics (pure parsing here): every
 *   client's requests, controllers and KWOK included.
 */
import { KubeConfig } from "@kubernetes/client-node";

type RestContext = Parameters<KubeConfig["applySecurityAuthentication"]>[0];
type FetchOptions = Parameters<KubeConfig["applyToFetchOptions"]>[0];
type HttpsOptions = Parameters<KubeConfig["applyToHTTPSOptions"]>[0];

export class CountingKubeConfig extends KubeConfig {
  readonly requests: string[] = [];
  private inFetch = false;

  override applySecurityAuthentication(context: RestContext): Promise<void> {
    const url = new URL(context.getUrl());
    const path = url.pathname
      .replace(/\/namespaces\/[^/]+/, "/namespaces/NS")
      .replace(/\/(jobs|pods|networkpolicies|persistentvolumeclaims)\/[^/]+/, "/$1/NAME");
    this.requests.push(`${context.getHttpMethod()} ${path}`);
    return super.applySecurityAuthentication(context);
  }

  override applyToFetchOptions(opts: FetchOptions) {
    // client-node's Watch is the only caller; it calls applyToHTTPSOptions synchronously inside.
    this.requests.push("WATCH");
    this.inFetch = true;
    try {
      return super.applyToFetchOptions(opts);
    } finally {
      this.inFetch = false;
    }
  }

  override applyToHTTPSOptions(opts: HttpsOptions): Promise<void> {
    if (!this.inFetch) this.requests.push("CONNECT exec (WebSocket)");
    return super.applyToHTTPSOptions(opts);
  }

  /** Requests grouped: "2× POST …/jobs". */
  static breakdown(requests: string[]): string[] {
    const counts = new Map<string, number>();
    for (const r of requests) counts.set(r, (counts.get(r) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]).map(([what, n]) => `${n}× ${what}`);
  }
}

/** `apiserver_request_total` samples by their label set, from Prometheus text. */
export function parseRequestTotals(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const close = line.lastIndexOf("}");
    const value = Number(line.slice(close + 1).trim());
    if (Number.isFinite(value)) out.set(line.slice("apiserver_request_total".length, close + 1), value);
  }
  return out;
}

export interface RequestDelta {
  total: number;
  /** "verb resource[/subresource]" → count, largest first. */
  byKind: Array<[string, number]>;
}

const label = (labels: string, name: string): string => new RegExp(`${name}="([^"]*)"`).exec(labels)?.[1] ?? "";

export function requestDelta(before: Map<string, number>, after: Map<string, number>): RequestDelta {
  const byKind = new Map<string, number>();
  let total = 0;
  for (const [labels, value] of after) {
    const diff = value - (before.get(labels) ?? 0);
    if (diff <= 0) continue;
    total += diff;
    const sub = label(labels, "subresource");
    const kind = `${label(labels, "verb")} ${label(labels, "resource")}${sub ? `/${sub}` : ""}`;
    byKind.set(kind, (byKind.get(kind) ?? 0) + diff);
  }
  return { total, byKind: [...byKind].sort((a, b) => b[1] - a[1]) };
}
