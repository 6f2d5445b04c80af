/**
 * The live progress display of `c8s run`: each step's state and duration, redrawn in place
 * on a terminal, one line per change otherwise; the failing step's last lines at the end.
 * `renderProgress` and `renderSummary` are pure; `ProgressDisplay` is the thin writer.
 */
import type { LocalRunEvent, LocalRunResult } from "../../pipelines/runner/run-pipeline.ts";
import type { StepState } from "../../pipelines/runner/step-executor.ts";

export interface StepView {
  name: string;
  state: StepState;
  startedAt: number | undefined;
  durationMs: number | undefined;
  attempts: number;
  reason: string | undefined;
}

const ICONS: Record<StepState, string> = {
  queued: "·",
  running: "▶",
  succeeded: "✓",
  failed: "✗",
  cancelled: "⊘",
  skipped: "○",
  "timed-out": "⧗",
};

const COLORS: Partial<Record<StepState, string>> = {
  running: "\x1b[36m",
  succeeded: "\x1b[32m",
  failed: "\x1b[31m",
  "timed-out": "\x1b[31m",
  cancelled: "\x1b[33m",
  skipped: "\x1b[2m",
};

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, "0")}s`;
}

export function renderStepLine(step: StepView, options: { color: boolean; now: number; width: number }): string {
  const elapsed =
    step.durationMs ??
    (step.startedAt !== undefined && step.state === "running" ? options.now - step.startedAt : undefined);
  const time = elapsed === undefined ? "" : formatDuration(elapsed);
  const attempt = step.attempts > 1 ? ` (attempt ${step.attempts})` : "";
  const reason = step.reason !== undefined && step.state !== "succeeded" ? ` — ${step.reason}` : "";
  const nameWidth = Math.max(12, Math.min(40, options.width - 30));
  let line = `${ICONS[step.state]} ${step.name.padEnd(nameWidth)} ${step.state.padEnd(9)} ${time.padStart(7)}${attempt}${reason}`;
  if (line.length > options.width) line = `${line.slice(0, options.width - 1)}…`;
  const color = options.color ? COLORS[step.state] : undefined;
  return color ? `${color}${line}\x1b[0m` : line;
}

export function renderProgress(
  steps: readonly StepView[],
  options: { color: boolean; now: number; width: number },
): string[] {
  return steps.map((s) => renderStepLine(s, options));
}

/** The end of a run: verdict, failing steps' last lines, where logs and artifacts are. */
export function renderSummary(result: LocalRunResult, options: { color: boolean; tailLines: number }): string[] {
  const lines: string[] = [];
  const bad = result.steps.filter((s) => s.state === "failed" || s.state === "timed-out");
  for (const step of bad) {
    lines.push("", `── ${step.name}: ${step.state}${step.reason ? ` (${step.reason})` : ""} — last lines:`);
    for (const line of result.lastLines(step.name, options.tailLines)) lines.push(`   ${line}`);
    const log = result.logs[step.name];
    if (log) lines.push(`   full log: ${log}`);
  }
  if (result.artifacts.length > 0) {
    lines.push("", "artifacts:");
    for (const a of result.artifacts)
      lines.push(
        `   ${a.step}: ${a.path} ${a.refused === undefined ? `(${a.size} bytes)` : `(refused: ${a.refused})`}`,
      );
  }
  const ok = result.state === "succeeded";
  const verdict = `run ${result.runId} ${result.state}${result.reason ? `: ${result.reason}` : ""} in ${formatDuration(result.durationMs)}`;
  lines.push(
    "",
    options.color ? `${ok ? "\x1b[32m" : "\x1b[31m"}${verdict}\x1b[0m` : verdict,
    `run directory: ${result.runDir}`,
  );
  return lines;
}

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Follows run events and keeps the display up to date. */
export class ProgressDisplay {
  private readonly steps = new Map<string, StepView>();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly live: boolean;

  constructor(
    private readonly out: ProgressOutput,
    stepNames: readonly string[],
    private readonly options: { color: boolean; showOutput: boolean },
  ) {
    this.live = out.isTTY === true;
    for (const name of stepNames)
      this.steps.set(name, {
        name,
        state: "queued",
        startedAt: undefined,
        durationMs: undefined,
        attempts: 0,
        reason: undefined,
      });
    if (this.live) {
      this.timer = setInterval(() => this.redraw(), 250);
      this.timer.unref();
    }
  }

  onEvent(event: LocalRunEvent): void {
    switch (event.type) {
      case "step": {
        const view = this.steps.get(event.step.name);
        if (!view) return;
        const changed = view.state !== event.step.state;
        Object.assign(view, {
          state: event.step.state,
          attempts: event.step.attempts,
          reason: event.step.reason,
          durationMs: event.step.durationMs,
          startedAt: event.step.startedAt ? Date.parse(event.step.startedAt) : undefined,
        });
        if (this.live) this.redraw();
        else if (changed) this.out.write(`${renderStepLine(view, this.renderOptions())}\n`);
        return;
      }
      case "retry":
        if (!this.live)
          this.out.write(`↻ ${event.step}: retrying (attempt ${event.attempt}) in ${formatDuration(event.delayMs)}\n`);
        return;
      case "output":
        if (this.options.showOutput && !this.live) {
          const text = event.data.toString("utf8");
          for (const line of text.split("\n").filter((l, i, all) => l !== "" || i < all.length - 1))
            this.out.write(`[${event.source}] ${line}\n`);
        }
        return;
      case "run":
        if (event.state !== "finished" && !this.live)
          this.out.write(`● ${event.state}${event.detail ? ` ${event.detail}` : ""}\n`);
        return;
      case "service":
        if (!this.live) this.out.write(`● service ${event.name} ${event.state}\n`);
        return;
      case "artifact":
        return;
    }
  }

  private renderOptions() {
    return { color: this.options.color, now: Date.now(), width: Math.max(40, this.out.columns ?? 100) };
  }

  private redraw(): void {
    const lines = renderProgress([...this.steps.values()], this.renderOptions());
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : "";
    this.out.write(`${up}${lines.map((l) => `\x1b[2K${l}`).join("\n")}\n`);
    this.drawn = lines.length;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.live) this.redraw();
  }
}
