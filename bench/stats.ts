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
