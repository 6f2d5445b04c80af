/**
 * `c8s runs submit --repo URL …`: queue a run on the server (POST /v1/runs). `--repo-secret
 * NAME` clones with a secret of the token's team (a token, or `username:password`) instead of
 * a credential in the URL, so the token never travels with the request.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { type RunInfo, Runs, type SubmitRunOptions } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseFlags } from "../flags.ts";
import { json } from "../format.ts";
import type { CliCommand } from "../io.ts";

const usage = `c8s runs submit --repo URL [--commit SHA | --branch NAME] [--event push|pull_request|tag|manual]
          [--pipeline PATH | --file YAML] [--repo-secret NAME] [--priority N] [--cancel-previous] [--debug] [--json]
  --repo-secret NAME: clone the https:// repository with the team's secret NAME (a token, sent as
  the password of user x-access-token, or username:password); needs secrets:use and the secret's policy.`;

const schema = z.object({
  repo: z.string().min(1),
  commit: z.string().min(1).optional(),
  branch: z.string().min(1).optional(),
  event: z.enum(["push", "pull_request", "tag", "manual"]).optional(),
  pipeline: z.string().min(1).optional(),
  file: z.string().min(1).optional(),
  "repo-secret": z.string().min(1).optional(),
  priority: z.coerce.number().int().optional(),
  "cancel-previous": z.boolean().optional(),
  debug: z.boolean().optional(),
  json: z.boolean().optional(),
});

/** `describe`: how a run is shown without --json (runs.ts's `describeRun`, passed in: no import cycle). */
export const runsSubmitCommand = (describe: (run: RunInfo) => string): CliCommand => ({
  name: "submit",
  summary: "Queue a run of a repository on the server (--repo-secret NAME clones with a team secret)",
  usage,
  async run(args, io) {
    const { flags, positionals } = parseFlags(
      args,
      {
        repo: { type: "string" },
        commit: { type: "string" },
        branch: { type: "string" },
        event: { type: "string" },
        pipeline: { type: "string" },
        file: { type: "string", short: "f" },
        "repo-secret": { type: "string" },
        priority: { type: "string" },
        "cancel-previous": { type: "boolean" },
        debug: { type: "boolean" },
        json: { type: "boolean" },
      },
      schema,
      usage,
    );
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] ?? ""}'`, usage);
    if (flags.pipeline !== undefined && flags.file !== undefined)
      throw new UsageError("give --pipeline PATH (in the repository) or --file YAML (sent inline), not both", usage);
    const options: SubmitRunOptions = {
      repoUrl: flags.repo,
      ...(flags.commit === undefined ? {} : { commit: flags.commit }),
      ...(flags.branch === undefined ? {} : { branch: flags.branch }),
      ...(flags.event === undefined ? {} : { event: flags.event }),
      ...(flags.pipeline === undefined ? {} : { pipelinePath: flags.pipeline }),
      ...(flags.file === undefined ? {} : { pipelineYaml: await readFile(resolve(io.cwd, flags.file), "utf8") }),
      ...(flags["repo-secret"] === undefined ? {} : { repoSecret: flags["repo-secret"] }),
      ...(flags.priority === undefined ? {} : { priority: flags.priority }),
      ...(flags["cancel-previous"] === true ? { cancelPrevious: true } : {}),
      ...(flags.debug === true ? { debug: true } : {}),
    };
    const run = await Runs.connect(await sdkOptions(io)).submit(options);
    io.stdout.write(flags.json === true ? json(run) : describe(run));
    return 0;
  },
});
