/**
 * `c8s exec --once [--template T | --image I] -- cmd args…`: one command in a sandbox made for
 * it and destroyed after (POST /v1/execute); prints its output, exits with its exit code. Piped
 * stdin is sent whole. Output is the server's bounded capture (1 MiB per stream).
 */
import { constants } from "node:os";
import { z } from "zod";
import { Sandbox } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { durationFlag, parseFlags, parsePairs } from "../flags.ts";
import { execExitCode, json } from "../format.ts";
import type { CliCommand } from "../io.ts";

const usage =
  "c8s exec --once [--template NAME | --image I] [--env K=V]… [--cwd DIR] [--timeout 30s] [--json] -- cmd [args…]   (piped stdin is sent)";
const signalNumbers = constants.signals as Record<string, number>;

export const execOnceCommand: CliCommand = {
  name: "exec",
  summary: "Run one command in a fresh sandbox that is destroyed after (--once; from a template's warm pool)",
  usage,
  async run(args, io) {
    const { flags, positionals, rest } = parseFlags(
      args,
      {
        once: { type: "boolean" },
        template: { type: "string", short: "T" },
        image: { type: "string" },
        env: { type: "string", multiple: true, short: "e" },
        cwd: { type: "string", short: "w" },
        timeout: { type: "string", short: "t" },
        json: { type: "boolean" },
      },
      z.object({
        once: z.boolean().optional(),
        template: z.string().optional(),
        image: z.string().optional(),
        env: z.array(z.string()).optional(),
        cwd: z.string().optional(),
        timeout: durationFlag.optional(),
        json: z.boolean().optional(),
      }),
      usage,
    );
    if (flags.once !== true)
      throw new UsageError(
        "`c8s exec` runs one-shots only: pass --once (for a sandbox of yours: c8s sandbox exec ID)",
        usage,
      );
    const command = rest.length > 0 ? rest : positionals;
    if (command.length === 0) throw new UsageError("missing command after `--`", usage);
    if (flags.template !== undefined && flags.image !== undefined)
      throw new UsageError("give --template or --image, not both (a template names its image)", usage);
    let stdin: Uint8Array | undefined;
    if (io.stdin.isTTY !== true) {
      const parts: Buffer[] = [];
      for await (const chunk of io.stdin) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      if (parts.length > 0) stdin = new Uint8Array(Buffer.concat(parts));
    }
    const result = await Sandbox.runOnce(command, {
      ...(await sdkOptions(io)),
      ...(flags.template === undefined ? {} : { template: flags.template }),
      ...(flags.image === undefined ? {} : { sandbox: { image: flags.image } }),
      ...(stdin === undefined ? {} : { stdin }),
      ...(flags.env === undefined ? {} : { env: parsePairs(flags.env, "env", usage) ?? {} }),
      ...(flags.cwd === undefined ? {} : { cwd: flags.cwd }),
      ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }),
    });
    if (flags.json) io.stdout.write(json(result));
    else {
      io.stdout.write(result.stdout);
      io.stderr.write(result.stderr);
      if (result.truncated) io.stderr.write("c8s: output was cut at the server's 1 MiB per stream\n");
      if (result.reason === "timeout") io.stderr.write(`c8s: command timed out after ${result.durationMs} ms\n`);
    }
    return execExitCode(result, signalNumbers);
  },
};
