/**
 * The embedded store's cost per pipeline write, measured in this process: a step row upsert
 * (the server writes one per step state change) and a run read with its steps (what
 * GET /v1/runs/:id does), on PGlite in a temp directory.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type RunRecord } from "../src/store/index.ts";
import { sample, summarize, type Summary } from "./stats.ts";

export async function storeWriteCosts(n: number): Promise<Summary[]> {
  const dir = await mkdtemp(join(tmpdir(), "c8s-bench-store-"));
  const store = await openStore({ dataDir: join(dir, "store") });
  try {
    const run: RunRecord = {
      id: "run_bench_store",
      pipeline: "bench",
      teamId: "default",
      state: "running",
      reason: null,
      priority: 0,
      repoUrl: "file:///bench",
      repoCredential: null,
      repoSecret: null,
      ref: "HEAD",
      commit: null,
      branch: "main",
      event: "push",
      pipelinePath: ".c8s.yaml",
      pipelineYaml: null,
      trigger: { kind: "api", by: "bench" },
      rerunOf: null,
      reuse: [],
      cancelPrevious: false,
      artifacts: [],
      createdAt: new Date().toISOString(),
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    await store.runs.insert(run);
    let i = 0;
    const upserts = await sample(n, () =>
      store.runs.upsertStep({
        runId: run.id,
        name: `step-${i++ % 20}`,
        position: i % 20,
        state: i % 2 === 0 ? "running" : "succeeded",
        reason: null,
        attempts: 1,
        exitCode: null,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        durationMs: null,
      }),
    );
    const reads = await sample(n, async () => {
      await store.runs.get(run.id);
      await store.runs.steps(run.id);
    });
    return [
      summarize("PGlite store: runs.upsertStep (one step row), in-process", upserts),
      summarize("PGlite store: runs.get + runs.steps (a GET /v1/runs/:id), in-process", reads),
    ];
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
