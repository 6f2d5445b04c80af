/**
 * A run's DAG as server-rendered SVG (pure): one column per topological level, steps as
 * boxes coloured by state (a symbol too, for who does not see the colour), edges from each
 * dependency to its dependant. Each box links to the step's log on the run page.
 */
import { html, type Html } from "../html.ts";

export interface DagNode {
  name: string;
  dependsOn: readonly string[];
  /** Topological level (0: no dependencies). */
  level: number;
}

const W = 176;
const H = 34;
const GAP_X = 48;
const GAP_Y = 14;
const PAD = 8;
const MAX_LABEL = 22;

export const STATE_SYMBOL: Record<string, string> = {
  queued: "○",
  running: "●",
  succeeded: "✓",
  failed: "✗",
  cancelled: "⊘",
  skipped: "↷",
  "timed-out": "⧗",
};

export interface Placed extends DagNode {
  x: number;
  y: number;
}

/** Positions of the boxes and the drawing's size. */
export function layoutDag(nodes: readonly DagNode[]): { placed: Placed[]; width: number; height: number } {
  const rows = new Map<number, number>();
  const placed = nodes.map((node) => {
    const row = rows.get(node.level) ?? 0;
    rows.set(node.level, row + 1);
    return { ...node, x: PAD + node.level * (W + GAP_X), y: PAD + row * (H + GAP_Y) };
  });
  const levels = Math.max(1, ...[...rows.keys()].map((l) => l + 1));
  const tallest = Math.max(1, ...rows.values());
  return {
    placed,
    width: PAD * 2 + levels * W + (levels - 1) * GAP_X,
    height: PAD * 2 + tallest * H + (tallest - 1) * GAP_Y,
  };
}

function label(name: string): string {
  return name.length <= MAX_LABEL ? name : `${name.slice(0, MAX_LABEL - 1)}…`;
}

export function renderDag(
  nodes: readonly DagNode[],
  stateOf: (step: string) => string,
  hrefOf: (step: string) => string,
  selected: string | undefined,
): Html {
  if (nodes.length === 0) return html`<p class="muted">No steps yet: the run has not been planned.</p>`;
  const { placed, width, height } = layoutDag(nodes);
  const byName = new Map(placed.map((p) => [p.name, p]));
  const edges = placed.flatMap((to) =>
    to.dependsOn.flatMap((dep) => {
      const from = byName.get(dep);
      if (from === undefined) return [];
      const x1 = from.x + W;
      const y1 = from.y + H / 2;
      const x2 = to.x;
      const y2 = to.y + H / 2;
      const mx = (x1 + x2) / 2;
      return [html`<path class="edge" d="M${x1} ${y1} C${mx} ${y1} ${mx} ${y2} ${x2} ${y2}" />`];
    }),
  );
  const boxes = placed.map((p) => {
    const state = stateOf(p.name);
    return html`<a href="${hrefOf(p.name)}" aria-label="${p.name}: ${state}"
      ><g class="node st-${state}${p.name === selected ? " selected" : ""}" data-step="${p.name}"
        ><title>${p.name} — ${state}</title><rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="6" /><text
          x="${p.x + 10}"
          y="${p.y + H / 2 + 5}"
          >${STATE_SYMBOL[state] ?? "?"} ${label(p.name)}</text
        ></g
      ></a
    >`;
  });
  return html`<svg
    class="dag"
    role="group"
    aria-label="Pipeline graph"
    viewBox="0 0 ${width} ${height}"
    width="${width}"
    height="${height}"
    xmlns="http://www.w3.org/2000/svg"
  >
    ${edges}${boxes}
  </svg>`;
}
