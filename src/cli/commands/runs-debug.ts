/**
 * `c8s runs debug RUN STEP [-- cmd…]`: a terminal in the failed step's kept sandbox — its
 * workspace, its env, its services still up. A step's sandbox is kept when the run asked
 * (`debug: onFailure` in the pipeline, `c8s runs rerun RUN --debug`, `debug: true` on submit).
 */
import { z } from "zod";
import { Runs, Sandbox } from "@c8s/sdk";
import { C8sError } from "../../errors/index.ts";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseFlags } from "../flags.ts";
import type { CliCommand } from "../io.ts";
import { openShell } from "./sandbox-shell.ts";

const usage = "c8s runs debug RUN STEP [--cwd DIR] [-- cmd args…]   (needs a run that kept the failed step)";

export const runsDebugCommand: CliCommand = {
  name: "debug",
  summary: "Open a terminal in a failed step's kept sandbox (its files, env and services)",
  usage,
  async run(args, io) {
    const { flags, positionals, rest } = parseFlags(
      args,
      { cwd: { type: "string", short: "w" } },
      z.object({ cwd: z.string().optional() }),
      usage,
    );
    const [runId, step, extra] = positionals;
    if (runId === undefined || step === undefined) throw new UsageError("a run id and a step are required", usage);
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`, usage);
    const options = await sdkOptions(io);
    await Runs.connect(options).get(runId); // RUN_NOT_FOUND for a wrong id, before looking for sandboxes
    const kept = (await Sandbox.list({ ...options, run: runId, purpose: "step", state: "running" })).filter(
      (s) => s.step === step,
    );
    const newest = kept.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    if (newest === undefined)
      throw new C8sError("SANDBOX_NOT_FOUND", `run ${runId} has no kept sandbox for step '${step}'`, {
        details: { run: runId, step },
        hint: `A failed step's sandbox is kept only when the run asks: re-run with \`c8s runs rerun ${runId} --debug\`, or add \`debug: onFailure\` to the pipeline. Kept sandboxes expire (default 30m).`,
      });
    io.stderr.write(`debugging step '${step}' of ${runId} in ${newest.id} (kept until ${newest.expiresAt ?? "?"})\n`);
    const sandbox = await Sandbox.connect(newest.id, options);
    return openShell(sandbox, io, { cmd: rest.length > 0 ? rest : undefined, cwd: flags.cwd });
  },
};
