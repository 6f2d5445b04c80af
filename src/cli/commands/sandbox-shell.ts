/** `c8s sandbox shell ID`: an interactive PTY — raw mode, resize on SIGWINCH, terminal restored on exit. */
import { constants } from "node:os";
import { z } from "zod";
import { Sandbox } from "../../../packages/sdk/src/index.ts";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseFlags, parsePairs } from "../flags.ts";
import { execExitCode } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";

const usage = "c8s sandbox shell ID [--env K=V]… [--cwd DIR] [-- cmd args…]";

export const sandboxShellCommand: CliCommand = {
  name: "shell",
  summary: "Open an interactive terminal in a sandbox",
  usage,
  async run(args: string[], io: CliIo) {
    const { flags, positionals, rest } = parseFlags(
      args,
      { env: { type: "string", multiple: true, short: "e" }, cwd: { type: "string", short: "w" } },
      z.object({ env: z.array(z.string()).optional(), cwd: z.string().optional() }),
      usage,
    );
    const id = positionals[0];
    if (id === undefined) throw new UsageError("missing sandbox id", usage);
    const sandbox = await Sandbox.connect(id, await sdkOptions(io));
    const size = () => ({ rows: io.stdout.rows || 24, cols: io.stdout.columns || 80 });
    const pty = await sandbox.pty.create({
      ...size(),
      cmd: rest.length > 0 ? rest : undefined,
      envs: { ...(io.env["TERM"] ? { TERM: io.env["TERM"] } : {}), ...parsePairs(flags.env, "env", usage) },
      cwd: flags.cwd,
      onData: (data) => io.stdout.write(data),
    });
    const raw = io.stdin.isTTY === true && typeof io.stdin.setRawMode === "function";
    if (raw) io.stdin.setRawMode?.(true);
    const onInput = (chunk: Buffer | string) => void pty.sendInput(chunk).catch(() => undefined);
    io.stdin.on("data", onInput);
    io.stdin.resume();
    const offResize = io.onSignal("SIGWINCH", () => void pty.resize(size()).catch(() => undefined));
    try {
      const result = await pty.wait();
      return execExitCode(result, constants.signals as Record<string, number>);
    } finally {
      offResize();
      io.stdin.off("data", onInput);
      if (raw) io.stdin.setRawMode?.(false);
      io.stdin.pause();
    }
  },
};
