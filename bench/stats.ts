/** Percentiles and a printable table for benchmark samples (milliseconds). */
export interface Summary {
  name: string;
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  unit: string;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function summarize(name: string, samples: number[], unit = "ms"): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    name,
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean,
    unit,
  };
}

export async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function sample(n: number, fn: () => Promise<unknown>, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await timeIt(fn));
  return out;
}

const fmt = (v: number): string => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(2)) : "—");

export function table(rows: Summary[]): string {
  const head = ["measurement", "n", "p50", "p95", "p99", "unit"];
  const body = rows.map((r) => [r.name, String(r.n), fmt(r.p50), fmt(r.p95), fmt(r.p99), r.unit]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: string[]): string => "| " + cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ") + " |";
  return [line(head), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|", ...body.map(line)].join("\n");
}

export interface Target {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

export function targetTable(targets: Target[]): string {
  return [
    "| target | goal | measured | met |",
    "|---|---|---|---|",
    ...targets.map((t) => `| ${t.what} | ${t.target} | ${t.measured} | ${t.met ? "yes" : "**no**"} |`),
  ].join("\n");
}

/**
 * Samples operations in turn, the order rotating every round, so that drift in the machine's
 * background load lands on all of them alike. Returns one sample list per operation.
 */
export async function sampleRoundRobin(n: number, ops: Array<() => Promise<unknown>>, warmup = 2): Promise<number[][]> {
  for (let i = 0; i < warmup; i++) for (const op of ops) await op();
  const out = ops.map(() => [] as number[]);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < ops.length; k++) {
      const index = (i + k) % ops.length;
      const op = ops[index];
      if (op) out[index]?.push(await timeIt(op));
    }
  }
  return out;
}

export async function samplePaired(
  n: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  warmup = 2,
): Promise<{ a: number[]; b: number[] }> {
  const [sa = [], sb = []] = await sampleRoundRobin(n, [a, b], warmup);
  return { a: sa, b: sb };
}

export const ms = (v: number): string => `${fmt(v)} ms`;

/** "c8s adds ≤ x%" over a bare latency (lower is better). */
export function overheadTarget(what: string, c8s: number, bare: number, maxPercent: number): Target {
  const added = (c8s / bare - 1) * 100;
  return {
    what,
    target: `≤ +${maxPercent}% over bare (${ms(bare)} → ≤ ${ms(bare * (1 + maxPercent / 100))})`,
    measured: `${ms(c8s)} (${added >= 0 ? "+" : ""}${added.toFixed(1)}%)`,
    met: c8s <= bare * (1 + maxPercent / 100),
  };
}

/** "c8s adds ≤ x%" in time per operation, for a throughput (higher is better). */
export function throughputTarget(
  what: string,
  c8sPerSecond: number,
  barePerSecond: number,
  maxPercent: number,
): Target {
  const added = (barePerSecond / c8sPerSecond - 1) * 100;
  const floor = barePerSecond / (1 + maxPercent / 100);
  return {
    what,
    target: `≥ ${floor.toFixed(1)} /s (bare ${barePerSecond.toFixed(1)} /s, ≤ +${maxPercent}% time per op)`,
    measured: `${c8sPerSecond.toFixed(1)} /s (${added >= 0 ? "+" : ""}${added.toFixed(1)}% time per op)`,
    met: c8sPerSecond >= floor,
  };
}

export interface Throughput {
  label: string;
  concurrency: number;
  ops: number;
  failures: number;
  wallMs: number;
  perSecond: number;
}

export function throughputTable(rows: Throughput[]): string {
  return [
    "| what | concurrency | ops | failures | wall ms | ops/s |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      (t) =>
        `| ${t.label} | ${t.concurrency} | ${t.ops} | ${t.failures} | ${t.wallMs.toFixed(0)} | ${t.perSecond.toFixed(1)} |`,
    ),
  ].join("\n");
}
