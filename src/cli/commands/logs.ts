/**
 * `c8s logs [-f] RUN [STEP]`: a step's masked log (every step in order without STEP);
 * `-f` follows live output until the step ends, reconnecting from the byte offset reached.
 * Bytes are written as they are, so ANSI colour survives.
 */
import { z } from "zod";
import { Runs } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseFlags } from "../flags.ts";
import type { CliCommand, CliIo } from "../io.ts";

const usage = "c8s logs [--follow|-f] RUN [STEP]";

async function stepsOf(runs: Runs, id: string, follow: boolean, signal: AbortSignal): Promise<string[]> {
  // A queued run has no steps yet: with -f, wait for the plan.
  for (;;) {
    const run = await runs.get(id);
    const steps = (run.steps ?? []).map((s) => s.name);
    if (steps.length > 0 || !follow || Runs.isFinished(run) || signal.aborted) return steps;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export const logsCommand: CliCommand = {
  name: "logs",
  summary: "Print a pipeline run's step logs; -f follows them live",
  usage,
  async run(args: string[], io: CliIo) {
    const { flags, positionals } = parseFlags(
      args,
      { follow: { type: "boolean", short: "f" } },
      z.object({ follow: z.boolean().optional() }),
      usage,
    );
    const [id, step, extra] = positionals;
    if (id === undefined) throw new UsageError("a run id is required", usage);
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`, usage);
    const runs = Runs.connect(await sdkOptions(io));
    const abort = new AbortController();
    const off = io.onSignal("SIGINT", () => abort.abort());
    try {
      const steps = step === undefined ? await stepsOf(runs, id, flags.follow === true, abort.signal) : [step];
      for (const name of steps) {
        if (abort.signal.aborted) break;
        if (step === undefined) io.stdout.write(`==> ${name} <==\n`);
        if (flags.follow) {
          for await (const chunk of runs.followLogs(id, name, { signal: abort.signal })) io.stdout.write(chunk.data);
        } else io.stdout.write(await runs.logs(id, name));
      }
    } finally {
      off();
    }
    return 0;
  },
};
