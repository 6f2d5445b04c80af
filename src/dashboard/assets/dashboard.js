// The dashboard's only script of its own besides the terminal: relative times that keep
// up, and the run page's log pane, streamed from the API's step-log SSE route with the
// session cookie. EventSource resumes by itself with Last-Event-ID (the byte offset); when
// the stream is closed for good (server restart, network change) it is reopened with ?cursor=.
/* global document, window, EventSource, TextDecoder, atob, setTimeout, clearTimeout, setInterval */
import { createAnsiParser, segmentsToHtml } from "./ansi.js";

function relative(iso) {
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  const abs = Math.abs(seconds);
  if (Number.isNaN(seconds)) return iso;
  if (abs < 5) return "just now";
  const [value, unit] =
    abs < 60
      ? [abs, "s"]
      : abs < 3600
        ? [Math.floor(abs / 60), "min"]
        : abs < 86400
          ? [Math.floor(abs / 3600), "h"]
          : [Math.floor(abs / 86400), "d"];
  return seconds >= 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`;
}
setInterval(() => {
  for (const el of document.querySelectorAll("time[data-relative]"))
    el.textContent = relative(el.getAttribute("datetime"));
}, 15000);

function bytesOf(base64) {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

const MAX_LOG_CHARS = 2_000_000;
let current = null;

function follow(pane, runId, step) {
  if (current !== null) current.stop();
  const text = document.getElementById("log-text");
  const status = document.getElementById("log-status");
  document.getElementById("log-step").textContent = step;
  text.textContent = "";
  pane.dataset.following = step;
  const parser = createAnsiParser();
  const decoder = new TextDecoder();
  const base = `/v1/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(step)}/logs?follow=true`;
  let cursor = 0;
  let source = null;
  let retry = null;
  let stopped = false;
  let shown = 0;
  let failures = 0;
  const open = () => {
    source = new EventSource(cursor > 0 ? `${base}&cursor=${cursor}` : base);
    status.textContent = "streaming…";
    source.addEventListener("output", (event) => {
      const frame = JSON.parse(event.data);
      cursor = Number(event.lastEventId) || cursor;
      failures = 0;
      const html = segmentsToHtml(parser.push(decoder.decode(bytesOf(frame.base64), { stream: true })));
      const atBottom = text.scrollTop + text.clientHeight >= text.scrollHeight - 4;
      if (shown < MAX_LOG_CHARS) text.insertAdjacentHTML("beforeend", html);
      shown += html.length;
      if (atBottom) text.scrollTop = text.scrollHeight;
      status.textContent =
        shown >= MAX_LOG_CHARS ? "streaming… (the rest is not shown: download the log from the API)" : "streaming…";
    });
    source.addEventListener("end", () => {
      source.close();
      status.textContent = "end of log";
      pane.dataset.ended = step;
    });
    source.addEventListener("error", (event) => {
      if (stopped) return;
      if (event.data) status.textContent = `log stream failed: ${JSON.parse(event.data).message ?? ""}`;
      if (source.readyState !== EventSource.CLOSED) status.textContent = "reconnecting…";
      else if (++failures > 5) status.textContent = "the log stream is closed: reload the page to try again";
      else {
        status.textContent = "disconnected; reconnecting…";
        retry = setTimeout(open, 3000);
      }
    });
  };
  open();
  current = {
    step,
    stop() {
      stopped = true;
      clearTimeout(retry);
      if (source) source.close();
    },
  };
}

/** Follows the step named in the URL, else the one the server points at (the failed or running one). */
function syncLog() {
  const pane = document.getElementById("log");
  const live = document.getElementById("live");
  if (!pane || !live) return;
  const step = pane.dataset.step || live.dataset.focusStep;
  if (step && (current === null || current.step !== step)) follow(pane, pane.dataset.run, step);
  if (!step) document.getElementById("log-status").textContent = "waiting for the run to start…";
}

document.addEventListener("DOMContentLoaded", syncLog);
if (document.readyState !== "loading") syncLog();
document.body.addEventListener("htmx:afterSettle", syncLog);
window.addEventListener("pagehide", () => current?.stop());
