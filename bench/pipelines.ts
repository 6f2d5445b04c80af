/**
 * Pipeline benchmarks (issue 3 item 8), on the local runtime:
 * - overhead of a 20-step diamond DAG of `true`: c8s's wall time minus the same DAG run as
 *   bare `bwrap … true` spawns with the same dependencies and concurrency, per step — both
 *   in-process (what `c8s run` does) and through the server's runs API;
 * - 100 runs submitted at once through the server, all completing;
 * - live log latency and webhook → first step (pipelines-live.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadPipeline } from "../src/pipelines/spec/lint.ts";
import { cloneAt } from "../src/pipelines/runner/git-workspace.ts";
import { runPipelineLocally } from "../src/pipelines/runner/run-pipeline.ts";
import { createEmbeddedEngine } from "../src/engine/embedded.ts";
import { DEFAULT_QUEUE_LIMITS } from "../src/server/routes/runs-wiring.ts";
import { createLocalRuntime } from "../src/runtimes/local/index.ts";
import { createTestRepository, type TestRepository } from "../test/fixtures/git.ts";
import { Api, type BenchServer, startServer } from "./harness.ts";
import { bareBwrap } from "./local.ts";
import {
  DIAMOND_LAYERS,
  diamondBreakdown,
  diamondYaml,
  isoSpanMs,
  maxOverlap,
  type StepSpan,
} from "./pipeline-helpers.ts";
import { benchLiveLogs, benchWebhooks, GITHUB_SECRET } from "./pipelines-live.ts";
import { type PhaseLoad, underProbe } from "./server-probe.ts";
import { storeWriteCosts } from "./store-probe.ts";
import { ACTIVE_RUN_STATES, type RunJson, waitForRun } from "./runs-client.ts";
import { sample, summarize, type Summary, type Target, timeIt } from "./stats.ts";
import { timedRuntime } from "./timed-runtime.ts";

const STEPS = DIAMOND_LAYERS.reduce((a, b) => a + b, 0);
const LIMITS = { memoryBytes: 512 * 1024 * 1024, pids: 256, cpuMillis: 1000, fileSizeBytes: 1024 * 1024 * 1024, diskBytes: 1024 * 1024 * 1024 };

export interface DagRow {
  what: string;
  wallMs: number;
  bareMs: number;
  overheadPerStepMs: number;
}

export interface BurstResult {
  rows: Summary[];
  /** Most runs executing at one instant (from their recorded start/finish). */
  mostAtOnce: number;
  runs: number;
  succeeded: number;
  failed: number;
  other: number;
  wallMs: number;
  runsPerSecond: number;
  maxRuns: number;
  maxRunsPerPipeline: number;
  firstFailure: string | undefined;
}

export interface PipelinesBenchResult {
  paths: string;
  rows: Summary[];
  dag: DagRow[];
  burst: BurstResult;
  logLines: unknown;
  serverLoad: PhaseLoad[];
  targets: Target[];
}

/** The diamond as bare spawns: each layer's steps at once (every layer fits the concurrency of 4). */
async function bareDiamond(): Promise<number> {
  return timeIt(async () => {
    for (const width of DIAMOND_LAYERS) await Promise.all(Array.from({ length: width }, () => bareBwrap()));
  });
}

const median = (values: number[]): number => summarize("", values).p50;

/** The clone a run makes (the server makes two: one to read the pipeline, one for the steps). */
async function sampleClones(repo: TestRepository, n: number): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), "c8s-bench-clone-"));
  try {
    let i = 0;
    return await sample(n, () => cloneAt({ url: repo.url, commit: repo.commits[0] ?? "HEAD" }, join(dir, String(i++))));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface DagMeasure {
  rows: DagRow[];
  /** Where the time went: per-step durations, layer hand-offs, runtime calls. */
  breakdown: Summary[];
}

async function dagInProcess(repo: TestRepository, reps: number, bare: number[]): Promise<DagMeasure> {
  const home = await mkdtemp(join(tmpdir(), "c8s-bench-dag-"));
  const local = createLocalRuntime({
    stateDir: join(home, "local"),
    supervisorCacheDir: join(tmpdir(), "c8s-bench-supervisor"),
  });
  const { runtime, timings } = timedRuntime(local);
  const engine = createEmbeddedEngine({
    runtime,
    owner: "c8s-bench-pipelines",
    defaults: { ...LIMITS, ttlMs: 600_000, idleTimeoutMs: 600_000, execTimeoutMs: 600_000 },
    maxSandboxes: 16,
  });
  const pipeline = loadPipeline(diamondYaml());
  const totals: number[] = [];
  const spans: number[] = [];
  const durations: number[] = [];
  const handoffs: number[] = [];
  try {
    for (let i = 0; i < reps + 1; i++) {
      let running = 0;
      let lastEnd = 0;
      const steps = new Map<string, StepSpan>();
      for (const list of Object.values(timings) as number[][]) list.length = i === 1 ? 0 : list.length;
      const total = await timeIt(async () => {
        const result = await runPipelineLocally({
          pipeline,
          repository: { url: repo.url, commit: repo.commits[0] ?? "HEAD" },
          context: { event: "push", branch: "main" },
          sandboxes: engine,
          home,
          secrets: {},
          limits: LIMITS,
          onEvent: (event) => {
            const at = performance.now();
            if (event.type === "run" && event.state === "running") running = at;
            if (event.type !== "step") return;
            const { name, state } = event.step;
            if (state === "running") steps.set(name, { name, start: at, end: Number.NaN });
            else if (state !== "queued") {
              lastEnd = at;
              const span = steps.get(name);
              if (span) span.end = at;
            }
          },
        });
        if (result.state !== "succeeded") throw new Error(`diamond run ${result.state}: ${result.reason}`);
      });
      if (i === 0) continue; // warm-up (supervisor build, page cache)
      totals.push(total);
      spans.push(lastEnd - running);
      const split = diamondBreakdown([...steps.values()]);
      durations.push(...split.durations);
      handoffs.push(...split.handoffs);
    }
  } finally {
    await engine.close();
    await runtime.close();
    await rm(home, { recursive: true, force: true });
  }
  const bareMs = median(bare);
  return {
    rows: [
      row("in-process (c8s run path): first step start → last step end", median(spans), bareMs),
      row("in-process: whole run incl. fresh clone and clean-up", median(totals), bareMs),
    ],
    breakdown: [
      summarize("in-process step: running → ended (each of 20)", durations),
      summarize("  of which runtime.create (bwrap + supervisor up)", timings.create),
      summarize("  of which runtime.exec → result (`sh -c true`)", timings.exec),
      summarize("  of which runtime.destroy", timings.destroy),
      summarize("in-process hand-off: layer's last step ended → next layer's first started", handoffs),
    ],
  };
}

function row(what: string, wallMs: number, bareMs: number): DagRow {
  return { what, wallMs, bareMs, overheadPerStepMs: (wallMs - bareMs) / STEPS };
}

async function dagThroughServer(api: Api, repo: TestRepository, reps: number, bare: number[]): Promise<DagMeasure> {
  const spans: number[] = [];
  const totals: number[] = [];
  const durations: number[] = [];
  const handoffs: number[] = [];
  const yaml = diamondYaml();
  for (let i = 0; i < reps + 1; i++) {
    const submitted = await api.call<RunJson>("POST", "/v1/runs", {
      repoUrl: repo.url,
      branch: "main",
      pipelineYaml: yaml,
    });
    const run = await waitForRun(api, submitted.id);
    if (run.state !== "succeeded") throw new Error(`diamond run ${run.id} ${run.state}: ${run.reason}`);
    if (i === 0) continue;
    const steps: StepSpan[] = (run.steps ?? []).map((s) => ({
      name: s.name,
      start: Date.parse(s.startedAt ?? ""),
      end: Date.parse(s.finishedAt ?? ""),
    }));
    spans.push(Math.max(...steps.map((s) => s.end)) - Math.min(...steps.map((s) => s.start)));
    totals.push(isoSpanMs(run.createdAt, run.finishedAt));
    const split = diamondBreakdown(steps);
    durations.push(...split.durations);
    handoffs.push(...split.handoffs);
  }
  const bareMs = median(bare);
  return {
    rows: [
      row("server runs API: first step start → last step end (store timestamps, ms)", median(spans), bareMs),
      row("server runs API: submitted → finished (queue, clone, store)", median(totals), bareMs),
    ],
    breakdown: [
      summarize("server step: started → finished (store timestamps, each of 20)", durations),
      summarize("server hand-off: layer's last step finished → next layer's first started", handoffs),
    ],
  };
}

async function burst(api: Api, repo: TestRepository, count: number): Promise<BurstResult> {
  const started = performance.now();
  const submitTimes: number[] = [];
  const submitted = await Promise.all(
    Array.from({ length: count }, async () => {
      const at = performance.now();
      const run = await api.call<RunJson>("POST", "/v1/runs", {
        repoUrl: repo.url,
        branch: "main",
        pipelinePath: ".c8s.yaml",
      });
      submitTimes.push(performance.now() - at);
      return run;
    }),
  );
  const ids = new Set(submitted.map((r) => r.id));
  const deadline = Date.now() + 600_000;
  let runs: RunJson[] = [];
  for (;;) {
    const list = await api.call<{ runs: RunJson[] }>("GET", "/v1/runs?limit=1000");
    runs = list.runs.filter((r) => ids.has(r.id));
    if (runs.every((r) => !ACTIVE_RUN_STATES.includes(r.state))) break;
    if (Date.now() > deadline) throw new Error("the burst of runs did not finish within 10 minutes");
    await new Promise((r) => setTimeout(r, 250));
  }
  // The list's state is terminal; the wall time ends at the last recorded finish.
  const lastFinish = Math.max(...runs.map((r) => Date.parse(r.finishedAt ?? "")));
  const firstCreate = Math.min(...runs.map((r) => Date.parse(r.createdAt)));
  const wallMs = Number.isFinite(lastFinish - firstCreate) ? lastFinish - firstCreate : performance.now() - started;
  const succeeded = runs.filter((r) => r.state === "succeeded").length;
  const failed = runs.filter((r) => r.state === "failed").length;
  const executing = runs.map((r) => ({ start: Date.parse(r.startedAt ?? ""), end: Date.parse(r.finishedAt ?? "") }));
  return {
    rows: [
      summarize("burst of 100: POST /v1/runs answered (all sent at once)", submitTimes),
      summarize(
        "burst of 100: queued → dispatched",
        runs.map((r) => isoSpanMs(r.createdAt, r.startedAt)),
      ),
      summarize(
        "burst of 100: dispatched → finished (one run's execution)",
        runs.map((r) => isoSpanMs(r.startedAt, r.finishedAt)),
      ),
    ],
    mostAtOnce: maxOverlap(executing),
    runs: count,
    succeeded,
    failed,
    other: count - succeeded - failed,
    wallMs,
    runsPerSecond: (count * 1000) / wallMs,
    maxRuns: DEFAULT_QUEUE_LIMITS.maxRuns,
    maxRunsPerPipeline: DEFAULT_QUEUE_LIMITS.maxRunsPerPipeline,
    firstFailure: runs.find((r) => r.state !== "succeeded")?.reason ?? undefined,
  };
}

export async function benchPipelines(options: { quick: boolean }): Promise<PipelinesBenchResult> {
  const reps = options.quick ? 2 : 5;
  const repo = await createTestRepository({
    // The webhook runs and the burst use it: one step that prints when its command started.
    ".c8s.yaml": 'version: v1alpha1\nname: stamp\nsteps:\n  - name: first\n    commands: ["date +%s%N"]\n',
  });
  const bare: number[] = [];
  for (let i = 0; i < reps + 1; i++) bare.push(await bareDiamond());
  bare.shift();
  const bareSpawns = await sample(options.quick ? 20 : 50, bareBwrap);
  const clones = await sampleClones(repo, options.quick ? 10 : 30);
  const store = await storeWriteCosts(options.quick ? 50 : 200);
  let server: BenchServer | undefined;
  try {
    const inProcess = await dagInProcess(repo, reps, bare);
    server = await startServer(
      { C8S_BENCH_GITHUB_SECRET: GITHUB_SECRET },
      [],
      ["--import", "tsx", resolve(import.meta.dirname, "pipelines-server.ts")],
    );
    const api = new Api(server.url, server.token);
    const s = server;
    const [viaServer, dagLoad] = await underProbe(s, "diamond runs", () => dagThroughServer(api, repo, reps, bare));
    const [burstResult, burstLoad] = await underProbe(s, "100 runs at once", () => burst(api, repo, 100));
    const [live, liveLoad] = await underProbe(s, "live log run", () =>
      benchLiveLogs(s, repo, options.quick ? 200 : 1000),
    );
    const [hooks, hookLoad] = await underProbe(s, "webhook runs (one at a time)", () =>
      benchWebhooks(s, repo, options.quick ? 10 : 40),
    );
    const dag = [...inProcess.rows, ...viaServer.rows];
    const rows = [
      summarize("bare diamond: 20 bwrap … true spawns, layer by layer", bare),
      summarize("bare: one bwrap … true spawn", bareSpawns),
      ...inProcess.breakdown,
      ...viaServer.breakdown,
      summarize("bare: cloneAt(file:// repo) — one fresh clone as a run makes it", clones),
      ...store,
      ...burstResult.rows,
      ...live.rows,
      ...hooks.rows,
    ];
    const worstOverhead = Math.max(
      ...dag.filter((d) => d.what.includes("first step start")).map((d) => d.overheadPerStepMs),
    );
    const targets: Target[] = [
      {
        what: "diamond DAG overhead per step (step spans, both paths)",
        target: "≤ 10 ms",
        measured: `${worstOverhead.toFixed(2)} ms`,
        met: worstOverhead <= 10,
      },
      {
        what: "100 runs submitted at once, none failing",
        target: "100/100 succeeded",
        measured: `${burstResult.succeeded}/${burstResult.runs}`,
        met: burstResult.succeeded === burstResult.runs,
      },
      ...live.targets,
      ...hooks.targets,
    ];
    return {
      paths:
        "measured through: runPipelineLocally in-process (what `c8s run` runs) and a real server (startC8s, the composition " +
        "root of `c8s serve`, in its own process, local runtime, PGlite) over HTTP",
      rows,
      dag,
      burst: burstResult,
      logLines: live["logLines"],
      serverLoad: [dagLoad, burstLoad, liveLoad, hookLoad],
      targets,
    };
  } finally {
    await server?.stop();
    await repo.cleanup();
  }
}
