/** `c8s sandbox shell ID`: an interactive PTY — raw mode, resize on SIGWINCH, terminal restored on exit. */
import { constants } from "node:os";
import { z } from "zod";
import { Sandbox } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseFlags, parsePairs } from "../flags.ts";
import { execExitCode } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";
import { bridgeTerminal, terminalSize } from "../terminal.ts";

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
    return openShell(sandbox, io, {
      cmd: rest.length > 0 ? rest : undefined,
      envs: parsePairs(flags.env, "env", usage),
      cwd: flags.cwd,
    });
  },
};

/** A PTY in `sandbox` bridged to the user's terminal; resolves to the shell's exit code. */
export async function openShell(
  sandbox: Sandbox,
  io: CliIo,
  options: { cmd?: string[] | undefined; envs?: Record<string, string>; cwd?: string | undefined },
): Promise<number> {
  const pty = await sandbox.pty.create({
    ...terminalSize(io),
    cmd: options.cmd,
    envs: { ...(io.env["TERM"] ? { TERM: io.env["TERM"] } : {}), ...options.envs },
    cwd: options.cwd,
    onData: (data) => io.stdout.write(data),
  });
  const result = await bridgeTerminal(io, pty, pty.wait());
  return execExitCode(result, constants.signals as Record<string, number>);
}
