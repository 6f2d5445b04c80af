// The sandbox page's terminal: xterm.js over the API's exec WebSocket
// (/v1/sandboxes/:id/exec/stream, the protocol `c8s sandbox shell` speaks). The browser sends
// the session cookie and its Origin; the server accepts the session only from its own origin.
/* global document, window, WebSocket, TextEncoder, btoa, atob, ResizeObserver */
const el = document.getElementById("terminal");
const status = document.getElementById("terminal-status");
const { Terminal } = await import(el.dataset.xterm);
const { FitAddon } = await import(el.dataset.fit);

const SHELL = ["/bin/sh", "-c", "if [ -x /bin/bash ]; then exec /bin/bash -i; else exec /bin/sh -i; fi"];
const term = new Terminal({ cursorBlink: true, convertEol: false, fontSize: 14, scrollback: 5000 });
const fit = new FitAddon();
term.loadAddon(fit);
term.open(el);
fit.fit();

const encoder = new TextEncoder();
const toBase64 = (bytes) => {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
};
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

const scheme = window.location.protocol === "https:" ? "wss" : "ws";
const socket = new WebSocket(
  `${scheme}://${window.location.host}/v1/sandboxes/${encodeURIComponent(el.dataset.sandbox)}/exec/stream`,
);
const send = (frame) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(frame));
status.textContent = "connecting…";

socket.addEventListener("open", () => {
  send({
    type: "start",
    command: SHELL,
    env: { TERM: "xterm-256color" },
    tty: { rows: term.rows, cols: term.cols },
    stdin: true,
  });
});
socket.addEventListener("message", (event) => {
  const frame = JSON.parse(event.data);
  if (frame.type === "started") {
    status.textContent = `connected (exec ${frame.execId})`;
    el.dataset.connected = "true";
    term.focus();
  } else if (frame.type === "output") term.write(fromBase64(frame.data));
  else if (frame.type === "exit") {
    status.textContent = `the shell ended (${frame.reason}${frame.exitCode !== null ? ` ${frame.exitCode}` : ""})`;
  } else if (frame.type === "error")
    status.textContent = `error: ${frame.error?.message ?? frame.message ?? "unknown"}`;
});
socket.addEventListener("close", (event) => {
  if (!status.textContent.startsWith("the shell ended") && !status.textContent.startsWith("error"))
    status.textContent = `disconnected (${event.code}); reload the page for a new shell`;
  el.dataset.connected = "false";
});
term.onData((data) => send({ type: "stdin", data: toBase64(encoder.encode(data)) }));
term.onResize(({ rows, cols }) => send({ type: "resize", rows, cols }));
new ResizeObserver(() => fit.fit()).observe(el);
