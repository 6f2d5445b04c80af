/** Times, durations and sizes as a person reads them (pure). */
import { html, type Html } from "./html.ts";

/** "3 min ago", "in 2 h", "just now". */
export function relativeTime(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((now - at) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return "just now";
  const [value, unit] =
    abs < 60
      ? [abs, "s"]
      : abs < 3600
        ? [Math.floor(abs / 60), "min"]
        : abs < 86_400
          ? [Math.floor(abs / 3600), "h"]
          : [Math.floor(abs / 86_400), "d"];
  return seconds >= 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`;
}

/** A <time> that reads relatively and shows the absolute UTC time on hover (dashboard.js refreshes it). */
export function timeTag(iso: string | null, now: number): Html {
  if (iso === null) return html`<span class="muted">—</span>`;
  return html`<time datetime="${iso}" title="${iso.replace("T", " ").replace(/\.\d+Z$/, "Z")}" data-relative
    >${relativeTime(iso, now)}</time
  >`;
}

/** 850 ms, 12.3 s, 4 min 05 s, 2 h 10 min. */
export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** A run's or step's duration: finished − started, or so far when still running. */
export function elapsed(startedAt: string | null, finishedAt: string | null, now: number): number | null {
  if (startedAt === null) return null;
  const end = finishedAt === null ? now : Date.parse(finishedAt);
  return end - Date.parse(startedAt);
}

export function bytes(n: number | null): string {
  if (n === null) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function shortCommit(commit: string | null): string {
  return commit === null ? "" : commit.slice(0, 10);
}
