/** Reads the pipelines bench server's event-loop delay and CPU time (see pipelines-server.ts). */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { BenchServer } from "./harness.ts";

interface Probe {
  seq: number;
  loopDelayMs: { p50: number; p99: number; max: number };
  cpuMs: number;
  at: number;
}

export interface PhaseLoad {
  phase: string;
  wallMs: number;
  /** CPU time of the server process over the phase / its wall time (1.0 = one core busy). */
  serverCores: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

let seq = 0;

async function probe(server: BenchServer): Promise<Probe> {
  const want = ++seq;
  process.kill(server.pid, "SIGUSR2");
  for (let i = 0; i < 200; i++) {
    try {
      const read = JSON.parse(await readFile(join(server.home, "probe.json"), "utf8")) as Probe;
      if (read.seq >= want) {
        seq = read.seq;
        return read;
      }
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the bench server did not answer its probe");
}

/** Runs `fn` and says how busy the server process was meanwhile. */
export async function underProbe<T>(server: BenchServer, phase: string, fn: () => Promise<T>): Promise<[T, PhaseLoad]> {
  const before = await probe(server);
  const value = await fn();
  const after = await probe(server);
  const wallMs = after.at - before.at;
  return [
    value,
    {
      phase,
      wallMs,
      serverCores: (after.cpuMs - before.cpuMs) / wallMs,
      loopDelayP99Ms: after.loopDelayMs.p99,
      loopDelayMaxMs: after.loopDelayMs.max,
    },
  ];
}

export function loadTable(rows: PhaseLoad[]): string {
  return [
    "| server process during | wall s | CPU (cores busy) | event-loop delay p99 ms | max ms |",
    "|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.phase} | ${(r.wallMs / 1000).toFixed(1)} | ${r.serverCores.toFixed(2)} | ${r.loopDelayP99Ms.toFixed(1)} | ${r.loopDelayMaxMs.toFixed(1)} |`,
    ),
  ].join("\n");
}
