/** Conversions of the pattern-checked strings in `.c8s.yaml` (see schema.ts). */
import { C8sError } from "../../errors/index.ts";

/** `500m` → 500, `1` → 1000, `0.5` → 500. */
export function parseCpuMillis(value: string): number {
  const millis = value.endsWith("m") ? Number(value.slice(0, -1)) : Number(value) * 1000;
  if (!Number.isFinite(millis) || millis <= 0) throw invalid("cpu", value, "500m or 1");
  return Math.round(millis);
}

const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  k: 1000,
  K: 1000,
  M: 1000 ** 2,
  G: 1000 ** 3,
  T: 1000 ** 4,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** `512Mi` → 536870912. */
export function parseMemoryBytes(value: string): number {
  const match = /^(\d+)([A-Za-z]*)$/.exec(value);
  const factor = match ? MEMORY_UNITS[match[2] ?? ""] : undefined;
  if (!match || factor === undefined || Number(match[1]) <= 0) throw invalid("memory", value, "512Mi or 1Gi");
  return Number(match[1]) * factor;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `1h30m` → 5400000, `500ms` → 500. */
export function parseDurationMs(value: string): number {
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== value) throw invalid("duration", value, "30s or 10m");
  return parts.reduce((sum, p) => sum + Number(p[1]) * (DURATION_UNITS[p[2] ?? ""] ?? 0), 0);
}

function invalid(what: string, value: string, example: string): C8sError {
  return new C8sError("PIPELINE_INVALID", `invalid ${what} '${value}'`, {
    details: { value },
    hint: `Write it like ${example}.`,
  });
}
