/**
 * c8s's own metrics, fed from the engine's lifecycle events (so sandboxes and execs started
 * by pipelines count as much as those started over HTTP) and from the store at scrape time.
 */
import type { FastifyBaseLogger } from "fastify";
import type { SandboxEngineApi } from "../engine/types.ts";
import { POOL_TEAM, type PoolEvent, type PoolStats } from "../engine/pool.ts";
import { SANDBOX_PURPOSES, type SandboxEvent, type Store } from "../store/types.ts";
import { Counter, Gauge, Histogram, MetricsRegistry } from "./metrics.ts";

const LIVE_STATES = ["creating", "running", "stopping"] as const;
const CREATE_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const EXEC_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export interface C8sMetrics {
  readonly registry: MetricsRegistry;
  readonly sandboxes: Gauge;
  readonly createSeconds: Histogram;
  readonly execSeconds: Histogram;
  readonly terminations: Counter;
  readonly httpRequests: Counter;
  observeEvent(event: SandboxEvent): void;
  observePool(event: PoolEvent): void;
}

function numberField(data: Record<string, unknown>, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const v = data[key];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return undefined;
}

function stringField(data: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const v = data[key];
    if (typeof v === "string" && v.length > 0) return v;
  }
  return undefined;
}

const REFILL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** `pools`: the engine's warm pools now (absent: no pool gauges). */
export function createC8sMetrics(store: Store, pools?: () => PoolStats[]): C8sMetrics {
  const registry = new MetricsRegistry();
  registry.register(
    new Gauge(
      "c8s_pool_sandboxes",
      "Warm-pool sandboxes by template and state (ready, filling), and the pool's target.",
      async (gauge) => {
        for (const pool of pools?.() ?? []) {
          const labels = { template: pool.name, team: pool.team };
          gauge.set({ ...labels, state: "ready" }, pool.ready);
          gauge.set({ ...labels, state: "filling" }, pool.filling);
          gauge.set({ ...labels, state: "target" }, pool.target);
        }
      },
    ),
  );
  const poolClaims = registry.register(
    new Counter("c8s_pool_claims_total", "Creates from a pooled template, by template id and result (hit, miss)."),
  );
  const refillSeconds = registry.register(
    new Histogram("c8s_pool_refill_seconds", "Time to start one warm-pool sandbox, by result.", REFILL_BUCKETS),
  );
  function observePool(event: PoolEvent): void {
    if (event.type === "refill") refillSeconds.observe({ result: event.ok ? "ok" : "failed" }, event.durationMs / 1000);
    else poolClaims.inc({ template: event.template, result: event.type });
  }
  const sandboxes = registry.register(
    new Gauge(
      "c8s_sandboxes",
      "Sandboxes that are not terminated, by state and purpose (sandbox, step, service, …).",
      async (gauge) => {
        // Unclaimed warm-pool sandboxes are c8s_pool_sandboxes, not here.
        const live = await store.sandboxes.list({ state: [...LIVE_STATES], excludeTeamId: POOL_TEAM });
        for (const state of LIVE_STATES)
          for (const purpose of SANDBOX_PURPOSES)
            gauge.set({ state, purpose }, live.filter((s) => s.state === state && s.purpose === purpose).length);
      },
    ),
  );
  const created = registry.register(
    new Counter("c8s_sandboxes_created_total", "Sandboxes created, by purpose (sandbox, step, service, …)."),
  );
  const createSeconds = registry.register(
    new Histogram("c8s_sandbox_create_seconds", "Time from a sandbox's creation to ready.", CREATE_BUCKETS),
  );
  const execSeconds = registry.register(
    new Histogram("c8s_exec_duration_seconds", "Exec duration, by end reason.", EXEC_BUCKETS),
  );
  const terminations = registry.register(
    new Counter("c8s_sandbox_terminations_total", "Sandboxes ended, by termination reason."),
  );
  const httpRequests = registry.register(
    new Counter("c8s_http_requests_total", "HTTP requests, by method, route and status."),
  );

  const createdAt = new Map<string, number>();
  function observeEvent(event: SandboxEvent): void {
    const at = Date.parse(event.at);
    switch (event.type) {
      case "sandbox.created":
        createdAt.set(event.sandboxId, at);
        created.inc({ purpose: stringField(event.data, "purpose") ?? "sandbox" });
        return;
      case "sandbox.ready": {
        const start = createdAt.get(event.sandboxId);
        createdAt.delete(event.sandboxId);
        const ms = numberField(event.data, "createMs", "durationMs") ?? (start === undefined ? undefined : at - start);
        if (ms !== undefined && ms >= 0) createSeconds.observe({}, ms / 1000);
        return;
      }
      case "exec.finished": {
        const ms = numberField(event.data, "durationMs");
        if (ms !== undefined)
          execSeconds.observe({ reason: stringField(event.data, "reason") ?? "unknown" }, ms / 1000);
        return;
      }
      case "sandbox.terminated":
        createdAt.delete(event.sandboxId);
        terminations.inc({ reason: stringField(event.data, "reason", "terminationReason") ?? "unknown" });
        return;
      case "sandbox.started":
      case "sandbox.kept":
      case "sandbox.claimed":
      case "exec.started":
        return;
    }
  }
  return { registry, sandboxes, createSeconds, execSeconds, terminations, httpRequests, observeEvent, observePool };
}

/** The seq of the newest stored event (0 when there is none). */
async function latestEventSeq(store: Store): Promise<number> {
  let after = 0;
  for (;;) {
    const page = await store.events.list({ afterSeq: after, limit: 5000 });
    const last = page.at(-1);
    if (last === undefined) return after;
    after = last.seq;
    if (page.length < 5000) return after;
  }
}

/** Follows new engine events into the metrics until `stop()`. */
export function followEngineEvents(
  engine: SandboxEngineApi,
  store: Store,
  metrics: C8sMetrics,
  log: FastifyBaseLogger,
): { stop(): Promise<void> } {
  const abort = new AbortController();
  const loop = (async () => {
    try {
      const afterSeq = await latestEventSeq(store);
      for await (const event of engine.events({ afterSeq, signal: abort.signal })) metrics.observeEvent(event);
    } catch (error) {
      if (!abort.signal.aborted) log.warn({ err: error }, "metrics stopped following engine events");
    }
  })();
  return {
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
