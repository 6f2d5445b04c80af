/** `c8s runs submit|ls|get|cancel|rerun|artifact|debug`: pipeline runs on the server. */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { type RunInfo, Runs } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseFlags } from "../flags.ts";
import { json, relativeTime, table } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";
import { runsDebugCommand } from "./runs-debug.ts";
import { runsSubmitCommand } from "./runs-submit.ts";

async function client(io: CliIo): Promise<Runs> {
  return Runs.connect(await sdkOptions(io));
}

function one(positionals: string[], usage: string): string {
  const [id, extra] = positionals;
  if (id === undefined) throw new UsageError("a run id is required", usage);
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`, usage);
  return id;
}

export function describeRun(run: RunInfo): string {
  const lines = [
    `run ${run.id}  ${run.state}${run.reason ? ` (${run.reason})` : ""}${run.queuePosition ? `  queue position ${run.queuePosition}` : ""}`,
    `pipeline ${run.pipeline}  ${run.repoUrl} @ ${run.commit ?? run.ref}${run.branch ? `  branch ${run.branch}` : ""}  event ${run.event}`,
  ];
  if (run.repoSecret) lines.push(`cloned with secret ${run.repoSecret}`);
  if (run.rerunOf)
    lines.push(`re-run of ${run.rerunOf}${run.reuse.length > 0 ? `, reusing ${run.reuse.join(", ")}` : ""}`);
  if (run.steps && run.steps.length > 0)
    lines.push(
      table(
        ["STEP", "STATE", "ATTEMPTS", "DURATION", "REASON"],
        run.steps.map((s) => [
          s.name,
          s.state,
          String(s.attempts),
          s.durationMs === null ? "-" : `${(s.durationMs / 1000).toFixed(1)}s`,
          s.reason ?? "",
        ]),
      ).trimEnd(),
    );
  for (const a of run.artifacts) {
    const state =
      a.refused !== undefined
        ? `refused: ${a.refused}`
        : a.expiredAt !== undefined
          ? `${a.size} bytes, expired ${a.expiredAt}`
          : `${a.size} bytes`;
    lines.push(`artifact ${a.step}: ${a.path} (${state})`);
  }
  return `${lines.join("\n")}\n`;
}

const lsUsage = "c8s runs ls [--state S] [--pipeline P] [--branch B] [--limit N] [--json]";
const lsCommand: CliCommand = {
  name: "ls",
  summary: "List runs, newest first",
  usage: lsUsage,
  async run(args, io) {
    const { flags } = parseFlags(
      args,
      {
        state: { type: "string" },
        pipeline: { type: "string" },
        branch: { type: "string" },
        limit: { type: "string" },
        json: { type: "boolean" },
      },
      z.object({
        state: z.string().optional(),
        pipeline: z.string().optional(),
        branch: z.string().optional(),
        limit: z.coerce.number().int().positive().optional(),
        json: z.boolean().optional(),
      }),
      lsUsage,
    );
    const { json: asJson, ...filter } = flags;
    const runs = await (await client(io)).list(filter);
    if (asJson) io.stdout.write(json(runs));
    else
      io.stdout.write(
        table(
          ["ID", "STATE", "PIPELINE", "COMMIT", "BRANCH", "QUEUE", "CREATED"],
          runs.map((r) => [
            r.id,
            r.state,
            r.pipeline,
            (r.commit ?? r.ref).slice(0, 12),
            r.branch ?? "",
            r.queuePosition === null ? "" : String(r.queuePosition),
            relativeTime(r.createdAt, Date.now()),
          ]),
        ),
      );
    return 0;
  },
};

interface ActFlags {
  fromFailed: boolean;
  debug: boolean;
}

function simple(name: string, summary: string, act: (runs: Runs, id: string, flags: ActFlags) => Promise<RunInfo>) {
  const rerun = name === "rerun";
  const usage = `c8s runs ${name} RUN${rerun ? " [--from-failed] [--debug]" : ""} [--json]`;
  const command: CliCommand = {
    name,
    summary,
    usage,
    async run(args, io) {
      const { flags, positionals } = parseFlags(
        args,
        {
          json: { type: "boolean" },
          ...(rerun ? { "from-failed": { type: "boolean" as const }, debug: { type: "boolean" as const } } : {}),
        },
        z.object({
          json: z.boolean().optional(),
          "from-failed": z.boolean().optional(),
          debug: z.boolean().optional(),
        }),
        usage,
      );
      const run = await act(await client(io), one(positionals, usage), {
        fromFailed: flags["from-failed"] ?? false,
        debug: flags.debug ?? false,
      });
      io.stdout.write(flags.json ? json(run) : describeRun(run));
      return 0;
    },
  };
  return command;
}

const artifactUsage = "c8s runs artifact RUN STEP PATH [-o FILE]   (PATH as `c8s runs get RUN` lists it)";
const artifactCommand: CliCommand = {
  name: "artifact",
  summary: "Download an artifact a step collected (to stdout, or -o FILE)",
  usage: artifactUsage,
  async run(args, io) {
    const { flags, positionals } = parseFlags(
      args,
      { output: { type: "string", short: "o" } },
      z.object({ output: z.string().min(1).optional() }),
      artifactUsage,
    );
    const [id, step, path, extra] = positionals;
    if (id === undefined || step === undefined || path === undefined)
      throw new UsageError("a run id, a step and an artifact path are required", artifactUsage);
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`, artifactUsage);
    const bytes = await (await client(io)).artifact(id, step, path);
    if (flags.output === undefined) io.stdout.write(bytes);
    else await writeFile(resolve(io.cwd, flags.output), bytes);
    return 0;
  },
};

const subcommands: CliCommand[] = [
  runsSubmitCommand(describeRun),
  lsCommand,
  artifactCommand,
  simple("get", "Show a run and its steps", (r, id) => r.get(id)),
  simple("cancel", "Cancel a queued or running run", (r, id) => r.cancel(id)),
  simple(
    "rerun",
    "Queue a run again; --from-failed reuses the steps that succeeded, --debug keeps a failed step's sandbox",
    (r, id, flags) => r.rerun(id, flags),
  ),
  runsDebugCommand,
];

export const runsCommand: CliCommand = {
  name: "runs",
  summary: "Pipeline runs on the server: submit, ls, get, cancel, rerun, artifact, debug",
  usage: "c8s runs submit|ls|get|cancel|rerun|artifact|debug …",
  async run(args: string[], io: CliIo) {
    const [name, ...rest] = args;
    if (name === undefined || name === "help") {
      io.stdout.write(
        `usage: c8s runs <subcommand> …\n\n${subcommands.map((c) => `  ${c.name.padEnd(6)}  ${c.summary}\n      ${c.usage}`).join("\n")}\n`,
      );
      return name === undefined ? 2 : 0;
    }
    const sub = subcommands.find((c) => c.name === name || (name === "list" && c.name === "ls"));
    if (!sub) throw new UsageError(`unknown subcommand 'runs ${name}'`, this.usage);
    return sub.run(rest, io);
  },
};
