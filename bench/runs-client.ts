/** Pipeline runs over the HTTP API, as the pipelines benchmark reads them. */
import type { Api } from "./harness.ts";

export interface RunJson {
  id: string;
  state: string;
  reason: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  steps?: Array<{ name: string; state: string; startedAt: string | null; finishedAt: string | null }>;
}

export const ACTIVE_RUN_STATES = ["queued", "running"];

/** Polls GET /v1/runs/:id until the run ends (the store's timestamps, not the poll, are what gets measured). */
export async function waitForRun(api: Api, id: string, timeoutMs = 120_000): Promise<RunJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await api.call<RunJson>("GET", `/v1/runs/${id}`);
    if (!ACTIVE_RUN_STATES.includes(run.state)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${run.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
