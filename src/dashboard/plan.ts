/**
 * The DAG of a run, from its pipeline as the run service planned it (the YAML it stored,
 * planned again with the run's event and branch: the same pure planner). Called only after
 * the API has answered this person's GET of the run, so the team boundary is already checked.
 * A run not planned yet, or a pipeline that no longer parses, falls back to its steps in order.
 */
import { loadPipeline } from "../pipelines/spec/lint.ts";
import { type PlanContext, planPipeline } from "../pipelines/spec/plan.ts";
import type { PipelineEvent } from "../pipelines/spec/schema.ts";
import type { Store } from "../store/types.ts";
import type { DagNode } from "./pages/dag.ts";

const cache = new Map<string, DagNode[]>();
const MAX_CACHED = 256;

export async function dagOf(store: Store, runId: string, steps: readonly { name: string }[]): Promise<DagNode[]> {
  const cached = cache.get(runId);
  if (cached !== undefined && cached.length >= steps.length) return cached;
  const record = await store.runs.get(runId);
  let nodes: DagNode[] | undefined;
  if (record?.pipelineYaml) {
    try {
      const context: PlanContext = {
        event: record.event as PipelineEvent,
        ...(record.branch ? { branch: record.branch } : {}),
      };
      const plan = planPipeline(loadPipeline(record.pipelineYaml), context);
      nodes = plan.steps.map((s) => ({ name: s.name, dependsOn: s.dependsOn, level: s.level }));
    } catch {
      nodes = undefined;
    }
  }
  const known = new Set(nodes?.map((n) => n.name) ?? []);
  // Steps the plan does not name (it changed?) still show, in a first column.
  const result = [
    ...(nodes ?? []),
    ...steps.filter((s) => !known.has(s.name)).map((s) => ({ name: s.name, dependsOn: [], level: 0 })),
  ];
  if (nodes !== undefined && result.length > 0) {
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value ?? "");
    cache.set(runId, result);
  }
  return result;
}
