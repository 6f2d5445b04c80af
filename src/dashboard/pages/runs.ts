/** The runs list: filters (state, pipeline, branch) in the URL, rows refreshed by htmx polling. */
import type { PublicRun } from "../../server/routes/runs-serialize.ts";
import { RUN_STATES } from "../../store/runs-types.ts";
import { duration, elapsed, shortCommit, timeTag } from "../format.ts";
import { html, type Html } from "../html.ts";
import { STATE_SYMBOL } from "./dag.ts";

export interface RunFilters {
  state?: string;
  pipeline?: string;
  branch?: string;
}

/** The filters of a query string, keeping only what the API would accept. */
export function runFilters(query: Record<string, unknown>): RunFilters {
  const text = (v: unknown) => (typeof v === "string" && v.length > 0 && v.length <= 255 ? v : undefined);
  const state = text(query["state"]);
  const pipeline = text(query["pipeline"]);
  const branch = text(query["branch"]);
  return {
    ...(state !== undefined && (RUN_STATES as readonly string[]).includes(state) ? { state } : {}),
    ...(pipeline === undefined ? {} : { pipeline }),
    ...(branch === undefined ? {} : { branch }),
  };
}

export function filterQuery(filters: RunFilters): string {
  return new URLSearchParams(
    Object.entries(filters).filter(([, v]) => v !== undefined) as [string, string][],
  ).toString();
}

export function stateBadge(state: string): Html {
  return html`<span class="badge st-${state}">${STATE_SYMBOL[state] ?? ""} ${state}</span>`;
}

function refCell(run: PublicRun): Html {
  const ref = run.branch ?? run.ref;
  return html`<span class="ref">${ref}</span>${
      run.commit ? html` <code title="${run.commit}">${shortCommit(run.commit)}</code>` : ""
    }`;
}

function row(run: PublicRun, now: number): Html {
  return html`<tr data-run="${run.id}" data-state="${run.state}">
    <td><a href="/runs/${run.id}">${run.id}</a></td>
    <td>
      ${stateBadge(run.state)}${run.queuePosition !== null ? html` <span class="muted">#${run.queuePosition} in queue</span>` : ""}
    </td>
    <td>${run.pipeline}</td>
    <td>${refCell(run)}</td>
    <td>${run.trigger.kind}${run.trigger.by ? html` <span class="muted">by ${run.trigger.by}</span>` : ""}</td>
    <td>${timeTag(run.createdAt, now)}</td>
    <td>${duration(elapsed(run.startedAt, run.finishedAt, now))}</td>
  </tr>`;
}

export function runRows(runs: readonly PublicRun[], filters: RunFilters, now: number): Html {
  const q = filterQuery(filters);
  return html`<tbody
    id="run-rows"
    hx-get="/runs?part=rows${q ? `&${q}` : ""}"
    hx-trigger="every 2s"
    hx-swap="outerHTML"
  >
    ${
      runs.length === 0
        ? html`<tr>
            <td colspan="7" class="muted">No runs${q ? " match these filters" : " yet"}.</td>
          </tr>`
        : runs.map((r) => row(r, now))
    }
  </tbody>`;
}

export function runsPage(runs: readonly PublicRun[], filters: RunFilters, now: number): Html {
  const option = (value: string, text: string) =>
    html`<option
      value="${value}"
      ${filters.state === value || (value === "" && filters.state === undefined) ? "selected" : ""}
    >
      ${text}
    </option>`;
  return html`<h1>Runs</h1>
    <form class="filters" method="get" action="/runs" role="search">
      <label
        >State
        <select name="state">
          ${option("", "any")}${RUN_STATES.map((s) => option(s, s))}
        </select></label
      >
      <label>Pipeline <input name="pipeline" value="${filters.pipeline ?? ""}" maxlength="255" /></label>
      <label>Branch <input name="branch" value="${filters.branch ?? ""}" maxlength="255" /></label>
      <button type="submit">Filter</button>
      ${filterQuery(filters) ? html`<a href="/runs">Clear</a>` : ""}
    </form>
    <table class="list">
      <caption class="sr-only">
        Pipeline runs, newest first, refreshed every 2 seconds
      </caption>
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">State</th>
          <th scope="col">Pipeline</th>
          <th scope="col">Ref</th>
          <th scope="col">Trigger</th>
          <th scope="col">Created</th>
          <th scope="col">Duration</th>
        </tr>
      </thead>
      ${runRows(runs, filters, now)}
    </table>`;
}
