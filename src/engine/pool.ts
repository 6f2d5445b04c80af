/**
 * Warm pools (issue 11, docs/pools.md). For each template with `pool.max > 0` the engine keeps
 * sandboxes started and ready — created from the template alone, recorded in the reserved team
 * `POOL_TEAM` (so no team lists them or counts them against its quotas) with the label
 * `c8s.pool=<template id>`, no TTL and no idle timeout. A claim (claim.ts) takes one, gives it
 * to the caller's team and never returns it: a pooled sandbox serves exactly one claim. This
 * file is runtime-agnostic: it only asks its host (the engine) to create and destroy.
 *
 * Sizing, per template: `target = clamp(ceil(2 × claims/s over the last minute × refill s), min, max)`,
 * at most `maxPooled` pooled sandboxes over every template. Below target it refills; above it
 * (demand fell) it destroys the newest extras at the next tick. A failing refill backs off
 * (1 s doubling to 30 s) instead of spinning.
 */
import type { TemplateRecord } from "../store/template-repository.ts";
import type { Clock, Logger, TimerHandle } from "./clock.ts";

/** The team pooled sandboxes belong to until claimed (not a valid team name: it has a ':'). */
export const POOL_TEAM = "c8s:pool";
/** The label naming the template a pooled sandbox was made from. */
export const POOL_LABEL = "c8s.pool";

const RATE_WINDOW_MS = 60_000;
const TICK_MS = 5_000;
const MAX_BACKOFF_MS = 30_000;
/** The refill time the policy assumes before a pool has refilled once. */
const ASSUMED_REFILL_MS = 100;

/** What the pool asks of the engine. */
export interface PoolHost {
  /** Creates and starts one pooled sandbox from `template`; resolves to its id once it is running. */
  createPooled(template: TemplateRecord): Promise<string>;
  /** Destroys a pooled sandbox nobody claimed (idempotent). */
  destroyPooled(id: string, message: string): Promise<void>;
}

export type PoolEvent =
  { type: "hit" | "miss"; template: string } | { type: "refill"; template: string; durationMs: number; ok: boolean };

export interface PoolStats {
  /** Template id, its team and name. */
  template: string;
  team: string;
  name: string;
  ready: number;
  filling: number;
  target: number;
  min: number;
  max: number;
}

interface PoolState {
  template: TemplateRecord;
  generation: number;
  ready: string[];
  filling: number;
  claims: number[];
  /** Smoothed refill duration (ms); 0 until the first refill. */
  refillMs: number;
  failuresInRow: number;
  retryAtMs: number;
}

/** Pure: the sizing policy above. */
export function poolTarget(input: { min: number; max: number; claimsPerSecond: number; refillMs: number }): number {
  const demand = Math.ceil(2 * input.claimsPerSecond * (input.refillMs / 1000));
  return Math.min(Math.max(input.min, input.max), Math.max(input.min, demand));
}

/** Whether a template change needs new sandboxes (what they were made from changed), not just new sizes. */
export function sameSandboxSpec(a: TemplateRecord, b: TemplateRecord): boolean {
  return JSON.stringify(a.spec) === JSON.stringify(b.spec) && a.teamId === b.teamId;
}

export class WarmPools {
  private readonly pools = new Map<string, PoolState>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly listeners = new Set<(event: PoolEvent) => void>();
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(
    private readonly deps: { host: PoolHost; clock: Clock; logger: Logger; maxPooled: number; tickMs?: number },
  ) {}

  /** Starts or updates a template's pool; a changed spec replaces its unclaimed sandboxes. */
  set(template: TemplateRecord): void {
    if (this.closed) return;
    if (template.pool.min <= 0 && template.pool.max <= 0) return this.remove(template.id);
    let state = this.pools.get(template.id);
    if (state === undefined) {
      state = {
        template,
        generation: 0,
        ready: [],
        filling: 0,
        claims: [],
        refillMs: 0,
        failuresInRow: 0,
        retryAtMs: 0,
      };
      this.pools.set(template.id, state);
      this.arm();
    } else {
      if (!sameSandboxSpec(state.template, template)) {
        state.generation += 1;
        for (const id of state.ready.splice(0)) this.discard(id, "its template changed");
      }
      state.template = template;
      state.failuresInRow = 0;
      state.retryAtMs = 0;
    }
    this.fill(state);
  }

  /** Drops a template's pool (template deleted): its unclaimed sandboxes are destroyed. */
  remove(templateId: string): void {
    const state = this.pools.get(templateId);
    if (state === undefined) return;
    this.pools.delete(templateId);
    state.generation += 1;
    for (const id of state.ready.splice(0)) this.discard(id, "its template was removed");
  }

  /** Takes one ready sandbox of the template (the caller checks it is still running), or undefined. */
  take(templateId: string): string | undefined {
    const state = this.pools.get(templateId);
    if (state === undefined) return undefined;
    const id = state.ready.shift();
    if (id !== undefined) this.fill(state);
    return id;
  }

  /** Counts a claim as a hit or a miss (and as demand for the sizing policy). */
  record(templateId: string, hit: boolean): void {
    const state = this.pools.get(templateId);
    if (state !== undefined) {
      const now = this.deps.clock.now();
      state.claims.push(now);
      while ((state.claims[0] ?? now) < now - RATE_WINDOW_MS) state.claims.shift();
      this.fill(state);
    }
    this.publish({ type: hit ? "hit" : "miss", template: templateId });
  }

  /** Whether a template has a pool (a miss on a template without one is not a pool miss). */
  has(templateId: string): boolean {
    return this.pools.has(templateId);
  }

  stats(): PoolStats[] {
    return [...this.pools.values()].map((s) => ({
      template: s.template.id,
      team: s.template.teamId,
      name: s.template.name,
      ready: s.ready.length,
      filling: s.filling,
      target: this.target(s),
      min: s.template.pool.min,
      max: s.template.pool.max,
    }));
  }

  subscribe(listener: (event: PoolEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when no refill is in flight (tests). */
  async settle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Stops refilling, waits for refills in flight and destroys every unclaimed sandbox. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    await this.settle();
    const ids = [...this.pools.values()].flatMap((s) => s.ready.splice(0));
    this.pools.clear();
    await Promise.allSettled(ids.map((id) => this.deps.host.destroyPooled(id, "the warm pool was drained")));
  }

  private target(state: PoolState): number {
    const now = this.deps.clock.now();
    const recent = state.claims.filter((at) => at >= now - RATE_WINDOW_MS).length;
    return poolTarget({
      min: state.template.pool.min,
      max: state.template.pool.max,
      claimsPerSecond: recent / (RATE_WINDOW_MS / 1000),
      refillMs: state.refillMs || ASSUMED_REFILL_MS,
    });
  }

  private total(): number {
    let n = 0;
    for (const s of this.pools.values()) n += s.ready.length + s.filling;
    return n;
  }

  private fill(state: PoolState): void {
    if (this.closed || this.pools.get(state.template.id) !== state) return;
    const target = this.target(state);
    if (this.deps.clock.now() >= state.retryAtMs)
      while (state.ready.length + state.filling < target && this.total() < this.deps.maxPooled) this.refill(state);
    while (state.ready.length > target) {
      const extra = state.ready.pop();
      if (extra !== undefined) this.discard(extra, "the warm pool shrank");
    }
  }

  private refill(state: PoolState): void {
    const { template, generation } = state;
    state.filling += 1;
    const t0 = this.deps.clock.now();
    const job = (async () => {
      let ok = false;
      try {
        const id = await this.deps.host.createPooled(template);
        ok = true;
        const ms = this.deps.clock.now() - t0;
        state.refillMs = state.refillMs === 0 ? ms : 0.8 * state.refillMs + 0.2 * ms;
        state.failuresInRow = 0;
        const current = !this.closed && this.pools.get(template.id) === state && state.generation === generation;
        if (current) state.ready.push(id);
        else this.discard(id, "its template changed while it started");
      } catch (error) {
        state.failuresInRow += 1;
        const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (state.failuresInRow - 1));
        state.retryAtMs = this.deps.clock.now() + backoff;
        this.deps.logger.warn(
          { err: error, template: template.id, backoffMs: backoff },
          "a warm-pool refill failed; retrying later",
        );
      } finally {
        state.filling -= 1;
        this.publish({ type: "refill", template: template.id, durationMs: this.deps.clock.now() - t0, ok });
      }
      if (ok) this.fill(state);
    })();
    this.inflight.add(job);
    void job.finally(() => this.inflight.delete(job));
  }

  private discard(id: string, message: string): void {
    const job = this.deps.host.destroyPooled(id, message).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, sandboxId: id }, "could not destroy a pooled sandbox");
    });
    this.inflight.add(job);
    void job.finally(() => this.inflight.delete(job));
  }

  /** The tick (shrink idle pools, retry failed refills) runs only while some pool exists. */
  private arm(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = this.deps.clock.setTimer(this.deps.tickMs ?? TICK_MS, () => {
      this.timer = undefined;
      if (this.closed || this.pools.size === 0) return;
      for (const state of this.pools.values()) this.fill(state);
      this.arm();
    });
  }

  private publish(event: PoolEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
