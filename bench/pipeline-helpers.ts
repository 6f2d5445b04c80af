/** Pure helpers for the pipelines benchmark: the diamond DAG, SSE frames, timestamp lines. */

/** Widths of the diamond's layers: 1+2+3+4+4+3+2+1 = 20 steps; each layer needs all of the previous one. */
export const DIAMOND_LAYERS = [1, 2, 3, 4, 4, 3, 2, 1] as const;

export function diamondStepNames(layers: readonly number[] = DIAMOND_LAYERS): string[][] {
  return layers.map((width, layer) => Array.from({ length: width }, (_, i) => `l${layer}-s${i}`));
}

/** A `.c8s.yaml` whose steps all run `true`, shaped as `layers`. */
export function diamondYaml(layers: readonly number[] = DIAMOND_LAYERS, name = "diamond"): string {
  const names = diamondStepNames(layers);
  const lines = ["version: v1alpha1", `name: ${name}`, "steps:"];
  names.forEach((layer, index) => {
    const previous = index === 0 ? [] : (names[index - 1] ?? []);
    for (const step of layer) {
      lines.push(`  - name: ${step}`, '    commands: ["true"]');
      if (previous.length > 0) lines.push(`    dependsOn: [${previous.join(", ")}]`);
    }
  });
  return `${lines.join("\n")}\n`;
}

export interface SseEvent {
  event: string;
  id: string | undefined;
  data: string;
}

/** Splits a text/event-stream into events as chunks arrive (comments and heartbeats dropped). */
export class SseParser {
  private buffer = "";

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end < 0) return events;
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = "message";
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "id") id = value;
        else if (field === "data") data.push(value);
      }
      if (data.length > 0 || id !== undefined) events.push({ event, id, data: data.join("\n") });
    }
  }
}

/** Complete lines out of a byte stream's text, keeping a partial last line for the next chunk. */
export class LineSplitter {
  private partial = "";

  push(text: string): string[] {
    const lines = (this.partial + text).split("\n");
    this.partial = lines.pop() ?? "";
    return lines;
  }
}

/** `date +%s%N` output: nanoseconds since the epoch, or undefined for any other line. */
export function parseEpochNanos(line: string): bigint | undefined {
  const trimmed = line.trim();
  return /^\d{18,20}$/.test(trimmed) ? BigInt(trimmed) : undefined;
}

export const nanosToMs = (ns: bigint): number => Number(ns) / 1e6;

/** Milliseconds between two ISO timestamps (millisecond resolution), or NaN when one is missing. */
export function isoSpanMs(from: string | null | undefined, to: string | null | undefined): number {
  if (!from || !to) return Number.NaN;
  return Date.parse(to) - Date.parse(from);
}

export interface StepSpan {
  name: string;
  start: number;
  end: number;
}

/**
 * Where a diamond run's time went: each step's own duration, and each hand-off between
 * layers (the last step of one layer ending → the first of the next starting).
 */
export function diamondBreakdown(
  spans: StepSpan[],
  layers: readonly number[] = DIAMOND_LAYERS,
): {
  durations: number[];
  handoffs: number[];
} {
  const byName = new Map(spans.map((s) => [s.name, s]));
  const names = diamondStepNames(layers);
  const handoffs: number[] = [];
  for (let k = 1; k < names.length; k++) {
    const previous = (names[k - 1] ?? []).map((n) => byName.get(n)?.end ?? Number.NaN);
    const current = (names[k] ?? []).map((n) => byName.get(n)?.start ?? Number.NaN);
    handoffs.push(Math.min(...current) - Math.max(...previous));
  }
  return { durations: spans.map((s) => s.end - s.start), handoffs };
}

/** The most intervals open at one instant. */
export function maxOverlap(intervals: Array<{ start: number; end: number }>): number {
  const edges = intervals.flatMap((i) => [
    { at: i.start, delta: 1 },
    { at: i.end, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const e of edges) {
    open += e.delta;
    most = Math.max(most, open);
  }
  return most;
}
