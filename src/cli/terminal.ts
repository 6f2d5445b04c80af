/**
 * An interactive terminal bridged to the user's: raw mode, input forwarded, resize on
 * SIGWINCH, the terminal restored on exit. Used by `c8s sandbox shell`, `c8s runs debug`
 * (through the SDK's PTY) and `c8s run --debug` (an embedded engine's exec).
 */
import type { CliIo } from "./io.ts";

export interface TerminalSession {
  sendInput(data: Buffer | string): Promise<void>;
  resize(size: { rows: number; cols: number }): Promise<void>;
}

export function terminalSize(io: Pick<CliIo, "stdout">): { rows: number; cols: number } {
  return { rows: io.stdout.rows || 24, cols: io.stdout.columns || 80 };
}

/** Forwards the user's terminal to `session` until `done` settles, then restores it. */
export async function bridgeTerminal<T>(
  io: Pick<CliIo, "stdin" | "stdout" | "onSignal">,
  session: TerminalSession,
  done: Promise<T>,
): Promise<T> {
  const raw = io.stdin.isTTY === true && typeof io.stdin.setRawMode === "function";
  if (raw) io.stdin.setRawMode?.(true);
  const onInput = (chunk: Buffer | string) => void session.sendInput(chunk).catch(() => undefined);
  io.stdin.on("data", onInput);
  io.stdin.resume();
  const offResize = io.onSignal("SIGWINCH", () => void session.resize(terminalSize(io)).catch(() => undefined));
  try {
    return await done;
  } finally {
    offResize();
    io.stdin.off("data", onInput);
    if (raw) io.stdin.setRawMode?.(false);
    io.stdin.pause();
  }
}
