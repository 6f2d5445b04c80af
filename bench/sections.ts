/** The benchmark sections `npm run bench` knows: how each finds out it can run, runs and prints. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { benchCli } from "./cli.ts";
import { benchDocker, dockerSkipReason } from "./docker.ts";
import { benchKubernetes, kubernetesSkipReason } from "./kubernetes.ts";
import { bareBwrap, benchLocal } from "./local.ts";
import { benchPeers } from "./peers.ts";
import { benchPipelines } from "./pipelines.ts";
import { benchPools } from "./pools.ts";
import { loadTable } from "./server-probe.ts";
import { benchSessions } from "./sessions.ts";
import { table, targetTable, throughputTable } from "./stats.ts";

export interface Section {
  name: string;
  title: string;
  /** Why it cannot run on this machine; undefined when it can. */
  skipReason(): Promise<string | undefined>;
  run(options: { quick: boolean }): Promise<{ text: string; data: Record<string, unknown> }>;
}

const run = promisify(execFile);

async function missingCommand(command: string, args: string[]): Promise<string | undefined> {
  try {
    await run(command, args, { timeout: 10_000 });
    return undefined;
  } catch (error) {
    return `\`${command} ${args.join(" ")}\` failed: ${(error as Error).message.split("\n")[0]}`;
  }
}

/** The bare spawn the local section compares against must work here. */
const bwrapWorks = (): Promise<string | undefined> =>
  bareBwrap().then(
    () => undefined,
    (error: Error) => `bubblewrap cannot start a sandbox here: ${error.message}`,
  );

const pathLine = (path: string, fallbackReason: string | undefined): string =>
  `measured through: ${path}` +
  (fallbackReason === undefined ? "" : `\n(c8s serve could not be used: ${fallbackReason})`);

export const SECTIONS: Section[] = [
  {
    name: "cli",
    title: "the c8s command's start-up (compiled CLI)",
    skipReason: bwrapWorks,
    async run({ quick }) {
      const c = await benchCli({ quick });
      const text = [
        "measured through: node bin/c8s.js (dist/), each run a new process, interleaved with node -e 0",
        "",
        table(c.rows),
        "",
        `CPU per run (user+sys of the process, mean, 10 ms ticks): node -e 0 ${c.cpu["bare"]?.toFixed(0)} ms, ` +
          `c8s version ${c.cpu["version"]?.toFixed(0)} ms, c8s --help ${c.cpu["help"]?.toFixed(0)} ms, ` +
          `c8s sandbox exec ${c.cpu["exec"]?.toFixed(0)} ms (node -e 0 beside it: ${c.cpu["bareExec"]?.toFixed(0)} ms)`,
        "",
        `HTTP requests one \`c8s sandbox exec ID -- true\` makes: ${c.execRequests.length} (${c.execRequests.join(", ")})`,
        "",
        targetTable(c.targets),
      ].join("\n");
      return { text, data: { ...c } };
    },
  },
  {
    name: "sessions",
    title: "sessions (local runtime, PGlite)",
    skipReason: bwrapWorks,
    async run({ quick }) {
      const { rows } = await benchSessions({ quick });
      return {
        text: ["measured through: startC8s in-process over HTTP (127.0.0.1)", "", table(rows)].join("\n"),
        data: { rows },
      };
    },
  },
  {
    name: "local",
    title: "local runtime (bubblewrap)",
    skipReason: bwrapWorks,
    async run({ quick }) {
      const local = await benchLocal({ quick });
      const text = [
        "measured through: c8s serve (C8S_RUNTIME=local) over HTTP",
        "",
        table(local.rows),
        "",
        "| concurrency | ops | wall ms | c8s one-shots/s | bare bwrap spawns/s |\n|---|---|---|---|---|",
        ...local.throughput.map(
          (t) =>
            `| ${t.concurrency} | ${t.ops} | ${t.wallMs.toFixed(0)} | ${t.perSecond.toFixed(1)} | ${t.barePerSecond.toFixed(0)} |`,
        ),
        "",
        `idle memory: ${local.memory.sandboxes} sandboxes, ${local.memory.processes} processes, ` +
          `PSS ${(local.memory.pssBytesPerSandbox / 1048576).toFixed(2)} MB/sandbox, RSS ${(local.memory.rssBytesPerSandbox / 1048576).toFixed(2)} MB/sandbox`,
        "",
        targetTable(local.targets),
      ].join("\n");
      return { text, data: { ...local } };
    },
  },
  {
    name: "peers",
    title: "the bare mechanism beside its peers: bwrap, crun (OCI), docker run",
    skipReason: bwrapWorks,
    async run({ quick }) {
      const p = await benchPeers({ quick, dockerHost: process.env["DOCKER_HOST"] });
      const text = [
        "each: start an isolated process running `true` and wait until it is gone; sampled in turn",
        "",
        table(p.rows),
        ...Object.entries(p.skipped).map(([peer, why]) => `\n${peer} not measured: ${why}`),
      ].join("\n");
      return { text, data: { ...p } };
    },
  },
  {
    name: "pools",
    title: "warm pools and /v1/execute (local runtime)",
    skipReason: bwrapWorks,
    async run({ quick }) {
      const p = await benchPools({ quick });
      const text = [
        "measured through: c8s serve (C8S_RUNTIME=local) over HTTP; hit, cold and bare interleaved per sample",
        "",
        table(p.rows),
        "",
        `pool claims: ${p.hits} hits, ${p.misses} misses (from /metrics)`,
        "",
        "| what | concurrency | ops | wall ms | per second |\n|---|---|---|---|---|",
        ...p.throughput.map(
          (t) => `| ${t.what} | ${t.concurrency} | ${t.ops} | ${t.wallMs.toFixed(0)} | ${t.perSecond.toFixed(1)} |`,
        ),
        "",
        targetTable(p.targets),
      ].join("\n");
      return { text, data: { ...p } };
    },
  },
  {
    name: "pipelines",
    title: "pipelines (local runtime)",
    skipReason: async () => (await bwrapWorks()) ?? (await missingCommand("git", ["--version"])),
    async run({ quick }) {
      const p = await benchPipelines({ quick });
      const text = [
        p.paths,
        "",
        table(p.rows),
        "",
        "20-step diamond DAG (layers 1-2-3-4-4-3-2-1, plan concurrency 4), per repetition p50:",
        "",
        "| what | wall ms | bare DAG ms | overhead ms/step |",
        "|---|---|---|---|",
        ...p.dag.map(
          (d) => `| ${d.what} | ${d.wallMs.toFixed(0)} | ${d.bareMs.toFixed(0)} | ${d.overheadPerStepMs.toFixed(2)} |`,
        ),
        "",
        `100 runs submitted at once: ${p.burst.succeeded}/${p.burst.runs} succeeded, ${p.burst.failed} failed, ` +
          `${p.burst.other} other, wall ${(p.burst.wallMs / 1000).toFixed(1)} s (${p.burst.runsPerSecond.toFixed(1)} runs/s, ` +
          `at most ${p.burst.mostAtOnce} executing at once; queue limits ${p.burst.maxRuns} runs, ${p.burst.maxRunsPerPipeline} per pipeline)`,
        "",
        loadTable(p.serverLoad),
        "",
        targetTable(p.targets),
      ].join("\n");
      return { text, data: { ...p } };
    },
  },
  {
    name: "docker",
    title: "docker runtime",
    skipReason: () => dockerSkipReason(process.env["DOCKER_HOST"]),
    async run({ quick }) {
      const d = await benchDocker({ quick, dockerHost: process.env["DOCKER_HOST"] });
      const text = [
        pathLine(d.path, d.fallbackReason),
        `engine: Docker ${d.engine.version}, storage ${d.engine.storageDriver}, cgroups ${d.engine.cgroupDriver}, DOCKER_HOST=${d.dockerHost ?? "(default)"}`,
        "",
        table(d.rows),
        "",
        throughputTable(d.throughput),
        "",
        targetTable(d.targets),
      ].join("\n");
      return { text, data: { ...d } };
    },
  },
  {
    name: "kubernetes",
    title: "kubernetes runtime",
    skipReason: () => kubernetesSkipReason(process.env["KUBECONFIG"]),
    async run({ quick }) {
      const k = await benchKubernetes({ quick, kubeconfig: process.env["KUBECONFIG"] ?? "" });
      const text = [
        pathLine(k.path, k.fallbackReason),
        `cluster: ${k.cluster}`,
        "",
        table(k.rows),
        "",
        `API requests per sandbox create (c8s's client, counted at its HTTP layer): ${k.requests.perCreate.toFixed(2)} ` +
          `over ${k.requests.creates} creates: ${k.requests.breakdown.join(", ")}`,
        `API server apiserver_request_total delta per create (every client, incl. controllers/KWOK): ${k.requests.serverDeltaPerCreate}`,
        "",
        `${k.burst.count} sandboxes created at once: ${k.burst.ready} ready, ${k.burst.failed} failed, wall ${(k.burst.wallMs / 1000).toFixed(1)} s (bare Jobs: ${(k.burst.bareWallMs / 1000).toFixed(1)} s)` +
          (k.burst.firstError ? ` (first error: ${k.burst.firstError})` : ""),
        "",
        targetTable(k.targets),
      ].join("\n");
      return { text, data: { ...k } };
    },
  },
];
