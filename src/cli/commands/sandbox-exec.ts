/** `c8s sandbox exec ID -- cmd args…`: streams output, forwards piped stdin, exits with the command's code. */
import { constants } from "node:os";
import { z } from "zod";
import { Sandbox } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { durationFlag, parseFlags, parsePairs } from "../flags.ts";
import { execExitCode, json } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";

const usage =
  "c8s sandbox exec ID [--env K=V]… [--cwd DIR] [--timeout 30s] [--interactive] [--json] -- cmd [args…]   (stdin is forwarded when piped, or with -i)";
const signalNumbers = constants.signals as Record<string, number>;

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(parts);
}

export const sandboxExecCommand: CliCommand = {
  name: "exec",
  summary: "Run a command in a sandbox, streaming its output; exits with its exit code",
  usage,
  async run(args: string[], io: CliIo) {
    const { flags, positionals, rest } = parseFlags(
      args,
      {
        env: { type: "string", multiple: true, short: "e" },
        cwd: { type: "string", short: "w" },
        timeout: { type: "string", short: "t" },
        json: { type: "boolean" },
        interactive: { type: "boolean", short: "i" },
      },
      z.object({
        interactive: z.boolean().optional(),
        env: z.array(z.string()).optional(),
        cwd: z.string().optional(),
        timeout: durationFlag.optional(),
        json: z.boolean().optional(),
      }),
      usage,
    );
    const [id, ...inline] = positionals;
    const command = rest.length > 0 ? rest : inline;
    if (id === undefined) throw new UsageError("missing sandbox id", usage);
    if (command.length === 0) throw new UsageError("missing command after `--`", usage);
    // No GET of the sandbox first: the exec request itself says when it does not exist.
    const commands = Sandbox.commandsOf(id, await sdkOptions(io));
    const pipedStdin = io.stdin.isTTY !== true || flags.interactive === true;
    const common = {
      envs: parsePairs(flags.env, "env", usage),
      cwd: flags.cwd,
      timeoutMs: flags.timeout,
      allowNonZeroExit: true,
    };

    if (flags.json) {
      const stdin = pipedStdin ? new Uint8Array(await readAll(io.stdin)) : undefined;
      const result = await commands.run(command, { ...common, stdin });
      io.stdout.write(json(result));
      return execExitCode(result, signalNumbers);
    }

    const handle = await commands.run(command, {
      ...common,
      background: true,
      stdin: pipedStdin ? true : undefined,
      onOutput: (chunk) => (chunk.stream === "stdout" ? io.stdout : io.stderr).write(chunk.data),
    });
    let interrupts = 0;
    const offInt = io.onSignal("SIGINT", () => {
      interrupts += 1;
      void handle.kill(interrupts === 1 ? "SIGINT" : "SIGKILL").catch(() => undefined);
    });
    const offTerm = io.onSignal("SIGTERM", () => void handle.kill("SIGTERM").catch(() => undefined));
    if (pipedStdin) {
      void (async () => {
        for await (const chunk of io.stdin) await handle.sendStdin(chunk as Buffer);
        await handle.closeStdin();
      })().catch(() => undefined);
    }
    try {
      const result = await handle.wait();
      if (result.reason === "timeout") io.stderr.write(`c8s: command timed out after ${result.durationMs} ms\n`);
      return execExitCode(result, signalNumbers);
    } finally {
      offInt();
      offTerm();
    }
  },
};
