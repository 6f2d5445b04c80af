/**
 * `c8s run [file]`: runs a pipeline on this machine without a server (like `act`): a fresh
 * clone of the repository at a commit (default: this checkout's HEAD through file://), each
 * step in a sandbox, masked logs and artifacts under $C8S_HOME/runs/<id>. Exit 0 only if the
 * run succeeded; Ctrl-C cancels and kills the step sandboxes.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { configFromEnv } from "../../config/config.ts";
import { C8sError } from "../../errors/index.ts";
import { RUNTIME_NAMES, type Runtime, type RuntimeName } from "../../runtimes/types.ts";
import type { PipelineCommandIo } from "../run/cli-io.ts";
import { currentCheckout, type RepositoryRef } from "../../pipelines/runner/git-workspace.ts";
import { loadPipeline } from "../../pipelines/spec/lint.ts";
import { type LocalRunResult, runPipelineLocally } from "../../pipelines/runner/run-pipeline.ts";
import { type PlanContext, planPipeline } from "../../pipelines/spec/plan.ts";
import { ProgressDisplay, renderSummary } from "../run/progress.ts";
import { splitRepoUrl } from "../../pipelines/runner/repo-url.ts";
import { EVENTS, type PipelineEvent } from "../../pipelines/spec/schema.ts";
import { parseSecretFile, parseSecretFlag } from "../run/secret-file.ts";
import { debugKeptStep } from "../run/debug-shell.ts";

const USAGE = `c8s run [file] [--repo URL --commit REF] [--branch NAME] [--event push|pull_request|tag|manual]
          [--secret NAME=VALUE]… [--secret-file FILE]… [--concurrency N] [--no-fail-fast]
          [--logs] [--keep-workspace] [--debug] [--json] [--runtime local|docker|kubernetes]
  file defaults to .c8s.yaml; without --repo the current checkout's committed HEAD is run.
  --debug: when a step fails, open a shell in its sandbox (its files, env, services) before exiting.`;

/** Makes the runtime for `c8s run`; injectable so tests and other runtimes can pass their own. */
export type RuntimeFactory = (config: ReturnType<typeof configFromEnv>, env: NodeJS.ProcessEnv) => Promise<Runtime>;

/** Owner label of `c8s run`'s sandboxes. */
const RUN_OWNER = "c8s-run";

async function defaultRuntimeFactory(
  config: ReturnType<typeof configFromEnv>,
  env: NodeJS.ProcessEnv,
): Promise<Runtime> {
  // Loaded lazily so `lint`/`schema` never load a runtime.
  const { createRuntimeFor } = await import("../../runtime-factory.ts");
  // The user's own machine: a step's `image` may also be a root filesystem directory.
  return await createRuntimeFor({ config, env, owner: RUN_OWNER, local: { allowImagePaths: true } });
}

function parseRunArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        repo: { type: "string" },
        commit: { type: "string" },
        branch: { type: "string" },
        event: { type: "string" },
        secret: { type: "string", multiple: true },
        "secret-file": { type: "string", multiple: true },
        concurrency: { type: "string" },
        "no-fail-fast": { type: "boolean" },
        logs: { type: "boolean" },
        "keep-workspace": { type: "boolean" },
        debug: { type: "boolean" },
        json: { type: "boolean" },
        runtime: { type: "string" },
      },
    });
  } catch (error) {
    throw new C8sError("INVALID_ARGUMENT", (error as Error).message, { hint: USAGE });
  }
}

export function createRunCommand(createRuntime: RuntimeFactory = defaultRuntimeFactory) {
  return {
    name: "run",
    summary: "Run a .c8s.yaml pipeline on this machine, each step in a sandbox",
    usage: USAGE,
    async run(args: string[], io: PipelineCommandIo): Promise<number> {
      const { values, positionals } = parseRunArgs(args);
      const file = positionals[0] ?? ".c8s.yaml";
      const event = (values.event ?? "push") as PipelineEvent;
      if (!EVENTS.includes(event))
        throw new C8sError("INVALID_ARGUMENT", `unknown event '${event}'`, {
          hint: `Use one of ${EVENTS.join(", ")}.`,
        });
      const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0))
        throw new C8sError("INVALID_ARGUMENT", "--concurrency must be a positive integer", { hint: USAGE });

      const pipeline = loadPipeline(await readFile(resolve(io.cwd, file)), { file });
      const secrets: Record<string, string> = {};
      for (const secretFile of values["secret-file"] ?? [])
        Object.assign(secrets, parseSecretFile(await readFile(resolve(io.cwd, secretFile), "utf8"), secretFile));
      for (const pair of values.secret ?? []) {
        const [name, value] = parseSecretFlag(pair);
        secrets[name] = value;
      }

      let repository: RepositoryRef;
      let branch = values.branch;
      if (values.repo !== undefined) {
        // A credential in the URL goes to git through a helper; events and run.json show `***`.
        const { url, credential } = splitRepoUrl(values.repo);
        repository = { url, credential, commit: values.commit ?? "HEAD" };
      } else {
        const checkout = await currentCheckout(io.cwd);
        repository = { url: checkout.url, commit: values.commit ?? checkout.commit };
        branch ??= checkout.branch;
        if (checkout.dirty)
          io.stderr.write("note: uncommitted changes are not part of the run (it uses the committed HEAD)\n");
      }
      const context: PlanContext = { event, branch };
      const plan = planPipeline(pipeline, context);

      const runtimeName = values.runtime;
      if (runtimeName !== undefined && !RUNTIME_NAMES.includes(runtimeName as never))
        throw new C8sError("INVALID_ARGUMENT", `unknown runtime '${runtimeName}'`, {
          hint: `Use one of ${RUNTIME_NAMES.join(", ")}.`,
        });
      const config = configFromEnv(io.env, runtimeName === undefined ? {} : { runtime: runtimeName as RuntimeName });
      const runtime = await createRuntime(config, io.env);
      // Steps and services are the engine's workloads here as in the server; nothing to keep after exit.
      const { createEmbeddedEngine } = await import("../../engine/embedded.ts");
      const engine = createEmbeddedEngine({
        runtime,
        owner: RUN_OWNER,
        defaults: config.defaults,
        maxSandboxes: config.maxSandboxes,
        policy: { maxima: config.maxima, hostNetwork: config.hostNetwork },
      });
      const controller = new AbortController();
      const cancel = () => controller.abort();
      io.signal?.addEventListener("abort", cancel, { once: true });
      const offSigint = io.onSignal?.("SIGINT", () => {
        io.stderr.write("\ncancelling the run: killing step sandboxes…\n");
        cancel();
      });
      const offSigterm = io.onSignal?.("SIGTERM", cancel);
      const color = io.stdout.isTTY === true && io.env["NO_COLOR"] === undefined;
      const display = values.json
        ? undefined
        : new ProgressDisplay(
            io.stdout as never,
            plan.steps.map((s) => s.name),
            {
              color,
              showOutput: values.logs === true,
            },
          );
      let result: LocalRunResult;
      try {
        result = await runPipelineLocally({
          pipeline,
          plan,
          repository,
          context,
          sandboxes: engine,
          home: config.home,
          secrets,
          limits: {
            memoryBytes: config.defaults.memoryBytes,
            pids: config.defaults.pids,
            cpuMillis: config.defaults.cpuMillis,
            fileSizeBytes: config.defaults.fileSizeBytes,
            diskBytes: config.defaults.diskBytes,
          },
          ceilings: config.maxima,
          concurrency,
          failFast: values["no-fail-fast"] !== true,
          keepWorkspace: values["keep-workspace"] === true,
          debug: values.debug === true,
          signal: controller.signal,
          onEvent: (e) => display?.onEvent(e),
        });
        display?.stop();
        if (values.debug === true) await debugKeptStep(io, engine, result);
        else if (Object.keys(result.kept).length > 0)
          io.stderr.write("note: run with --debug to open a shell in the failed step's sandbox\n");
      } finally {
        display?.stop();
        io.signal?.removeEventListener("abort", cancel);
        offSigint?.();
        offSigterm?.();
        await engine.close().catch(() => undefined);
        await runtime.close().catch(() => undefined);
      }
      if (values.json) {
        const { lastLines: _lastLines, ...plain } = result;
        io.stdout.write(`${JSON.stringify(plain, null, 2)}\n`);
      } else io.stdout.write(`${renderSummary(result, { color, tailLines: 15 }).join("\n")}\n`);
      return result.state === "succeeded" ? 0 : result.state === "cancelled" ? 130 : 1;
    },
  };
}

export const runCommand = createRunCommand();
