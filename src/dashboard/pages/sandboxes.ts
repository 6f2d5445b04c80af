/** The sandboxes list (refreshed by htmx polling) and one sandbox's page with its terminal. */
import type { z } from "zod";
import type { sandboxResponse } from "../../server/api-schemas.ts";
import type { Assets } from "../assets.ts";
import { bytes, timeTag } from "../format.ts";
import { html, type Html } from "../html.ts";
import { stateBadge } from "./runs.ts";

export type PublicSandbox = z.output<typeof sandboxResponse>;

const PURPOSES = ["sandbox", "step", "service", "session", "agent"];
const STATES = ["creating", "running", "stopping", "terminated"];

export interface SandboxFilters {
  state?: string;
  purpose?: string;
}

export function sandboxFilters(query: Record<string, unknown>): SandboxFilters {
  const state = query["state"];
  const purpose = query["purpose"];
  return {
    ...(typeof state === "string" && STATES.includes(state) ? { state } : {}),
    ...(typeof purpose === "string" && PURPOSES.includes(purpose) ? { purpose } : {}),
  };
}

function limits(s: PublicSandbox): string {
  const l = s.limits;
  const parts = [
    l.memoryBytes !== null ? `${bytes(l.memoryBytes)} memory` : null,
    l.cpuMillis !== null ? `${l.cpuMillis / 1000} CPU` : null,
    l.pids !== null ? `${l.pids} pids` : null,
    l.diskBytes !== null ? `${bytes(l.diskBytes)} disk` : null,
  ].filter((p) => p !== null);
  return parts.length > 0 ? parts.join(", ") : "—";
}

function ofRun(s: PublicSandbox): Html {
  if (s.runId === null) return html`<span class="muted">—</span>`;
  return html`<a href="/runs/${s.runId}${s.step ? `?step=${encodeURIComponent(s.step)}` : ""}">${s.runId}</a>${
      s.step ? html` / ${s.step}` : ""
    }`;
}

export function sandboxRows(list: readonly PublicSandbox[], filters: SandboxFilters, now: number): Html {
  const q = new URLSearchParams(filters as Record<string, string>).toString();
  return html`<tbody
    id="sandbox-rows"
    hx-get="/sandboxes?part=rows${q ? `&${q}` : ""}"
    hx-trigger="every 3s"
    hx-swap="outerHTML"
  >
    ${
      list.length === 0
        ? html`<tr>
            <td colspan="7" class="muted">No sandboxes${q ? " match these filters" : ""}.</td>
          </tr>`
        : list.map(
            (s) =>
              html`<tr data-sandbox="${s.id}" data-state="${s.state}">
                <td><a href="/sandboxes/${s.id}">${s.id}</a></td>
                <td>${s.purpose}</td>
                <td>${ofRun(s)}</td>
                <td>
                  ${stateBadge(s.state)}${s.terminationReason ? html` <span class="muted">${s.terminationReason}</span>` : ""}
                </td>
                <td>${timeTag(s.createdAt, now)}</td>
                <td>${limits(s)}</td>
                <td>${Object.entries(s.labels).map(([k, v]) => html`<span class="label">${k}=${v}</span> `)}</td>
              </tr>`,
          )
    }
  </tbody>`;
}

export function sandboxesPage(list: readonly PublicSandbox[], filters: SandboxFilters, now: number): Html {
  const select = (name: string, values: string[], current: string | undefined) =>
    html`<select name="${name}">
      <option value="">any</option>
      ${values.map((v) => html`<option value="${v}" ${current === v ? "selected" : ""}>${v}</option>`)}
    </select>`;
  return html`<h1>Sandboxes</h1>
    <form class="filters" method="get" action="/sandboxes" role="search">
      <label>State ${select("state", STATES, filters.state)}</label>
      <label>Purpose ${select("purpose", PURPOSES, filters.purpose)}</label>
      <button type="submit">Filter</button>
    </form>
    <table class="list">
      <caption class="sr-only">
        Sandboxes, newest first, refreshed every 3 seconds
      </caption>
      <thead>
        <tr>
          <th scope="col">Sandbox</th>
          <th scope="col">Purpose</th>
          <th scope="col">Run / step</th>
          <th scope="col">State</th>
          <th scope="col">Age</th>
          <th scope="col">Limits</th>
          <th scope="col">Labels</th>
        </tr>
      </thead>
      ${sandboxRows(list, filters, now)}
    </table>`;
}

export function sandboxPage(s: PublicSandbox, assets: Assets, canExec: boolean, now: number): Html {
  const terminal =
    s.state !== "running"
      ? html`<p class="muted">The sandbox is ${s.state}: no terminal.</p>`
      : canExec
        ? html`<div
              id="terminal"
              class="terminal"
              data-sandbox="${s.id}"
              data-xterm="${assets.url("xterm.mjs")}"
              data-fit="${assets.url("addon-fit.mjs")}"
            ></div>
            <p class="muted" id="terminal-status" role="status"></p>
            <script type="module" src="${assets.url("terminal.js")}"></script>`
        : html`<p class="muted">Your token may not run commands here (it lacks sandboxes:write).</p>`;
  return html`<nav class="crumbs" aria-label="Breadcrumb"><a href="/sandboxes">Sandboxes</a> / ${s.id}</nav>
    <h1>${s.id} ${stateBadge(s.state)}</h1>
    <dl class="facts">
      <dt>Purpose</dt>
      <dd>${s.purpose}</dd>
      <dt>Run / step</dt>
      <dd>${ofRun(s)}</dd>
      <dt>Runtime</dt>
      <dd>${s.runtime}${s.image ? html` · <code>${s.image}</code>` : ""}</dd>
      <dt>Created</dt>
      <dd>${timeTag(s.createdAt, now)}</dd>
      <dt>Last activity</dt>
      <dd>${timeTag(s.lastActivityAt, now)}</dd>
      <dt>Expires</dt>
      <dd>${timeTag(s.expiresAt, now)}</dd>
      <dt>Limits</dt>
      <dd>${limits(s)}</dd>
      <dt>Network</dt>
      <dd>${s.network}</dd>
      ${
        s.endedAt
          ? html`<dt>Ended</dt>
              <dd>${timeTag(s.endedAt, now)} — ${s.terminationReason ?? ""} ${s.terminationMessage ?? ""}</dd>`
          : ""
      }
    </dl>
    <h2>Terminal</h2>
    ${terminal}`;
}
