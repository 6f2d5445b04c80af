/**
 * Warm pools and the one-shot endpoint (issue 11), through a real `c8s serve` on the local
 * runtime, beside a bare `bwrap … true` spawn measured in the same run, interleaved:
 * time-to-first-command (create → `true` finished) on a pool hit, cold, and the bare spawn;
 * then `POST /v1/execute` one-shots/s at concurrency 32 (pooled template and cold) against bare
 * spawns/s at 32. Counts are small (50; 20 with --quick): the machine is shared.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Api, runConcurrent, startServer } from "./harness.ts";
import { bareBwrap } from "./local.ts";
import { summarize, timeIt, type Summary, type Target } from "./stats.ts";

export interface PoolsBenchResult {
  rows: Summary[];
  hits: number;
  misses: number;
  throughput: Array<{ what: string; concurrency: number; ops: number; wallMs: number; perSecond: number }>;
  targets: Target[];
}

async function metric(url: string, pattern: RegExp): Promise<number> {
  const res = await fetch(`${url}/metrics`);
  const match = pattern.exec(await res.text());
  return match === null ? 0 : Number(match[1]);
}

export async function benchPools(options: { quick: boolean }): Promise<PoolsBenchResult> {
  const n = options.quick ? 20 : 50;
  const server = await startServer({ C8S_MAX_POOLED: "16" });
  const api = new Api(server.url, server.token);
  try {
    await api.call("POST", "/v1/templates", { name: "hot", pool: { min: 4, max: 8 } });
    const ready = () => metric(server.url, /c8s_pool_sandboxes\{template="hot",team="default",state="ready"\} (\d+)/);
    const waitReady = async (atLeast: number) => {
      const deadline = Date.now() + 30_000;
      while ((await ready()) < atLeast) {
        if (Date.now() > deadline) throw new Error("the warm pool did not fill within 30 s");
        await sleep(5);
      }
    };
    const hitSamples: number[] = [];
    const coldSamples: number[] = [];
    const bareSamples: number[] = [];
    const toDestroy: string[] = [];
    for (let i = 0; i < n + 2; i++) {
      await waitReady(1); // not timed: a hit is measured as a hit
      const hit = await timeIt(async () => {
        const { id } = await api.createSandbox({ template: "hot" });
        await api.exec(id, ["true"]);
        toDestroy.push(id);
      });
      const cold = await timeIt(async () => {
        const { id } = await api.createSandbox();
        await api.exec(id, ["true"]);
        toDestroy.push(id);
      });
      const bare = await timeIt(bareBwrap);
      await Promise.all(toDestroy.splice(0).map((id) => api.destroy(id)));
      if (i < 2) continue; // warm-up
      hitSamples.push(hit);
      coldSamples.push(cold);
      bareSamples.push(bare);
    }
    const hits = await metric(server.url, /c8s_pool_claims_total\{template="[^"]+",result="hit"\} (\d+)/);
    const misses = await metric(server.url, /c8s_pool_claims_total\{template="[^"]+",result="miss"\} (\d+)/);
    const rows = [
      summarize("bare bwrap … true spawn (Node)", bareSamples),
      summarize("time-to-first-command, pool hit (API)", hitSamples),
      summarize("time-to-first-command, cold (API)", coldSamples),
    ];

    const throughput: PoolsBenchResult["throughput"] = [];
    const ops = options.quick ? 32 : 64;
    await waitReady(4);
    const oneShot = (body: Record<string, unknown>) => () => api.call("POST", "/v1/execute", body);
    for (const [what, task] of [
      ["/v1/execute, template with a warm pool", oneShot({ template: "hot", command: ["true"] })],
      ["/v1/execute, cold", oneShot({ command: ["true"] })],
      ["bare bwrap … true spawns", bareBwrap],
    ] as const) {
      const wallMs = await runConcurrent(ops, 32, task);
      throughput.push({ what, concurrency: 32, ops, wallMs, perSecond: (ops * 1000) / wallMs });
    }
    const [bare, hit, cold] = rows as [Summary, Summary, Summary];
    const perSecond = (what: string) => throughput.find((t) => t.what.startsWith(what))?.perSecond ?? 0;
    const pooled32 = perSecond("/v1/execute, template");
    const bare32 = perSecond("bare");
    const targets: Target[] = [
      {
        what: "time-to-first-command, pool hit, p50 ≤ 1.0× bare bwrap p50",
        target: `≤ ${bare.p50.toFixed(2)} ms`,
        measured: `${hit.p50.toFixed(2)} ms (${(hit.p50 / bare.p50).toFixed(2)}×)`,
        met: hit.p50 <= bare.p50,
      },
      {
        what: "time-to-first-command, cold, p50 ≤ 2.0× bare bwrap p50",
        target: `≤ ${(2 * bare.p50).toFixed(2)} ms`,
        measured: `${cold.p50.toFixed(2)} ms (${(cold.p50 / bare.p50).toFixed(2)}×)`,
        met: cold.p50 <= 2 * bare.p50,
      },
      {
        what: "/v1/execute one-shots/s at c32 ≥ 50% of bare bwrap spawns/s at c32",
        target: `≥ ${(bare32 / 2).toFixed(0)} /s`,
        measured: `${pooled32.toFixed(1)} /s (${((100 * pooled32) / bare32).toFixed(0)}%)`,
        met: pooled32 >= bare32 / 2,
      },
    ];
    return { rows, hits, misses, throughput, targets };
  } finally {
    await server.stop();
  }
}
