/**
 * One run: its header, a live section (state, buttons, the DAG, the steps, the artifacts)
 * that htmx re-fetches every second until the run ends, and a log pane that dashboard.js
 * streams from the API's step-log SSE route (resuming by cursor after a disconnect).
 */
import type { PublicRun } from "../../server/routes/runs-serialize.ts";
import { bytes, duration, elapsed, shortCommit, timeTag } from "../format.ts";
import { html, type Html } from "../html.ts";
import type { Viewer } from "../context.ts";
import { type DagNode, renderDag } from "./dag.ts";
import { csrfField } from "./layout.ts";
import { stateBadge } from "./runs.ts";

const ACTIVE = ["queued", "running"];

export interface RunView {
  run: PublicRun;
  dag: DagNode[];
  /** The step named in the URL (`?step=`), if any. */
  chosen: string | undefined;
  viewer: Viewer;
  canWrite: boolean;
}

type Steps = NonNullable<PublicRun["steps"]>;

/** The step worth looking at: the first failed, else one running, else the last that started, else the first. */
export function focusStep(steps: Steps): string | undefined {
  const bad = steps.find((s) => s.state === "failed" || s.state === "timed-out");
  if (bad) return bad.name;
  const running = steps.find((s) => s.state === "running");
  if (running) return running.name;
  const started = steps.filter((s) => s.startedAt !== null);
  return (started[started.length - 1] ?? steps[0])?.name;
}

export function stepHref(runId: string, step: string): string {
  return `/runs/${encodeURIComponent(runId)}?step=${encodeURIComponent(step)}`;
}

function buttons(view: RunView): Html {
  const { run, viewer } = view;
  if (!view.canWrite) return html``;
  const form = (action: string, label: string, extra: Html = html``) =>
    html`<form method="post" action="/runs/${run.id}/${action}">
      ${csrfField(viewer)}${extra}<button type="submit">${label}</button>
    </form>`;
  if (ACTIVE.includes(run.state)) return html`<div class="actions">${form("cancel", "Cancel")}</div>`;
  return html`<div class="actions">
    ${form("rerun", "Re-run")}
    ${
      run.state === "failed" || run.state === "timed-out"
        ? form("rerun", "Re-run from failed step", html`<input type="hidden" name="from" value="failed" />`)
        : ""
    }
  </div>`;
}

function stepsTable(view: RunView, now: number): Html {
  const steps = view.run.steps ?? [];
  if (steps.length === 0) return html``;
  return html`<table class="list steps">
    <caption class="sr-only">
      Steps
    </caption>
    <thead>
      <tr>
        <th scope="col">Step</th>
        <th scope="col">State</th>
        <th scope="col">Attempts</th>
        <th scope="col">Exit</th>
        <th scope="col">Duration</th>
      </tr>
    </thead>
    <tbody>
      ${steps.map(
        (s) =>
          html`<tr data-step="${s.name}" data-state="${s.state}">
            <td><a href="${stepHref(view.run.id, s.name)}">${s.name}</a></td>
            <td>${stateBadge(s.state)}${s.reason ? html` <span class="muted">${s.reason}</span>` : ""}</td>
            <td>${s.attempts}</td>
            <td>${s.exitCode ?? "—"}</td>
            <td>${duration(s.durationMs ?? elapsed(s.startedAt, s.finishedAt, now))}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function artifacts(run: PublicRun): Html {
  if (run.artifacts.length === 0) return html``;
  return html`<h2>Artifacts</h2>
    <ul class="artifacts">
      ${run.artifacts.map((a) =>
        a.refused
          ? html`<li><code>${a.step}/${a.path}</code> <span class="muted">not stored: ${a.refused}</span></li>`
          : html`<li>
              <a
                href="/v1/runs/${encodeURIComponent(run.id)}/steps/${encodeURIComponent(a.step)}/artifacts?path=${encodeURIComponent(a.path)}"
                download
                >${a.step}/${a.path}</a
              >
              <span class="muted">${bytes(a.size)}</span>
            </li>`,
      )}
    </ul>`;
}

/** The part htmx replaces every second while the run is queued or running (then polling stops). */
export function liveSection(view: RunView, now: number): Html {
  const { run } = view;
  const steps = run.steps ?? [];
  const active = ACTIVE.includes(run.state);
  const stateOf = new Map(steps.map((s) => [s.name, s.state]));
  const self = `/runs/${encodeURIComponent(run.id)}?part=live${view.chosen ? `&step=${encodeURIComponent(view.chosen)}` : ""}`;
  return html`<section
    id="live"
    data-state="${run.state}"
    data-focus-step="${focusStep(steps) ?? ""}"
    ${active ? html`hx-get="${self}" hx-trigger="every 1s" hx-swap="outerHTML"` : ""}
  >
    <div class="run-state">
      ${stateBadge(run.state)} ${run.reason ? html`<span class="reason">${run.reason}</span>` : ""}
      ${run.queuePosition !== null ? html`<span class="muted">#${run.queuePosition} in the queue</span>` : ""}
      <span class="muted">duration ${duration(elapsed(run.startedAt, run.finishedAt, now))}</span>
      ${buttons(view)}
    </div>
    <div class="dag-wrap">
      ${renderDag(
        view.dag,
        (step) => stateOf.get(step) ?? "queued",
        (step) => stepHref(run.id, step),
        view.chosen ?? focusStep(steps),
      )}
    </div>
    ${stepsTable(view, now)} ${artifacts(run)}
  </section>`;
}

export function runPage(view: RunView, now: number): Html {
  const { run } = view;
  return html`<nav class="crumbs" aria-label="Breadcrumb"><a href="/runs">Runs</a> / ${run.id}</nav>
    <h1>${run.pipeline} <span class="muted">${run.id}</span></h1>
    <dl class="facts">
      <dt>Repository</dt>
      <dd><code>${run.repoUrl}</code></dd>
      <dt>Ref</dt>
      <dd>
        ${run.branch ?? run.ref}${run.commit ? html` <code title="${run.commit}">${shortCommit(run.commit)}</code>` : ""}
      </dd>
      <dt>Trigger</dt>
      <dd>${run.trigger.kind} ${run.trigger.by ? html`by ${run.trigger.by}` : ""} (${run.event})</dd>
      <dt>Created</dt>
      <dd>${timeTag(run.createdAt, now)}</dd>
      ${
        run.rerunOf
          ? html`<dt>Re-run of</dt>
              <dd><a href="/runs/${run.rerunOf}">${run.rerunOf}</a></dd>`
          : ""
      }
    </dl>
    ${liveSection(view, now)}
    <section id="log" class="log-pane" data-run="${run.id}" data-step="${view.chosen ?? ""}">
      <div class="log-head">
        <h2>Log <span id="log-step"></span></h2>
        <span id="log-status" class="muted" role="status"></span>
      </div>
      <pre id="log-text" tabindex="0" aria-label="Step log"></pre>
    </section>`;
}
