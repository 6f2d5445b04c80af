/** The `c8s` entry point (run by bin/c8s.js): the only CLI module that touches `process`. */
import type { CliIo } from "./io.ts";
import { main } from "./dispatch.ts";

function processIo(): CliIo {
  const abort = new AbortController();
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    signal: abort.signal,
    onSignal(signal, handler) {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
  };
}

const code = await main(process.argv.slice(2), processIo());
// Flush stdout, then exit: an open stdin or a lingering socket must not keep the CLI alive.
process.stdout.write("", () => process.exit(code));
