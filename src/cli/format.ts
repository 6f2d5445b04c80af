/** Plain-text output helpers: aligned tables and relative times. Pure. */

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n") + "\n";
}

/** `2024-…` → `3m ago` / `in 2h`, relative to `now`. */
export function relativeTime(iso: string | null | undefined, now: number): string {
  if (!iso) return "-";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const diff = t - now;
  const abs = Math.abs(diff);
  const text =
    abs < 60_000
      ? `${Math.round(abs / 1000)}s`
      : abs < 3_600_000
        ? `${Math.round(abs / 60_000)}m`
        : abs < 86_400_000
          ? `${Math.round(abs / 3_600_000)}h`
          : `${Math.round(abs / 86_400_000)}d`;
  return diff <= 0 ? `${text} ago` : `in ${text}`;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `ID:/path` → sandbox location; anything else (including `./a:b`, `/x:y`) is a host path. */
export function parseCpLocation(arg: string): { sandboxId: string; path: string } | { host: string } {
  const match = /^([A-Za-z0-9_-]+):(.*)$/.exec(arg);
  if (!match || arg.startsWith(".") || arg.startsWith("/")) return { host: arg };
  return { sandboxId: match[1] ?? "", path: match[2] === "" ? "." : (match[2] ?? ".") };
}

/** Exit code for an exec that ended: its own code, 124 for a timeout, 128+N for signal N. */
export function execExitCode(
  result: { exitCode: number | null; signal: string | null; reason: string },
  signals: Record<string, number>,
): number {
  if (result.reason === "timeout") return 124;
  if (result.exitCode !== null) return result.exitCode;
  const n = result.signal ? signals[result.signal] : undefined;
  return 128 + (n ?? 9);
}
