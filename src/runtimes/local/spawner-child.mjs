/* global process */
// The local runtime's spawner: a small Node process (no store, no server) that starts sandbox
// launchers for the c8s process over its IPC channel. fork+exec from a process this small costs
// about 1.5 ms; from the c8s server, whose embedded PGlite keeps ~800 MB resident, it costs ~17 ms
// of blocked event loop per sandbox. Plain JavaScript so that it loads no TypeScript tooling.
//
// Messages in:  {type:"spawn", id, file, args, stdio, env, cwd}
// Messages out: {type:"spawned", id, pid} | {type:"data", id, fd, data} | {type:"error", id, message}
//               | {type:"exit", id, code, signal}   (after every pipe closed, so no data follows)
// When the c8s process goes away (IPC disconnect), the spawner exits, and bwrap's
// --die-with-parent ends every sandbox it started, as if c8s had started them itself.
import { spawn } from "node:child_process";

const children = new Map();

process.on("disconnect", () => {
  for (const child of children.values()) child.kill("SIGKILL");
  process.exit(0);
});

process.on("message", (message) => {
  if (message === null || typeof message !== "object" || message.type !== "spawn") return;
  const { id, file, args, stdio, env, cwd } = message;
  let child;
  try {
    child = spawn(file, args, { stdio, env, cwd });
  } catch (error) {
    process.send?.({ type: "error", id, message: String(error?.message ?? error) });
    return;
  }
  children.set(id, child);
  child.once("error", (error) => process.send?.({ type: "error", id, message: error.message }));
  if (child.pid !== undefined) process.send?.({ type: "spawned", id, pid: child.pid });
  child.stdio.forEach((stream, fd) => {
    if (stream !== null && fd !== 0) stream.on("data", (data) => process.send?.({ type: "data", id, fd, data }));
  });
  let exit = { code: null, signal: null };
  child.once("exit", (code, signal) => (exit = { code, signal }));
  child.once("close", () => {
    children.delete(id);
    process.send?.({ type: "exit", id, code: exit.code, signal: exit.signal });
  });
});
