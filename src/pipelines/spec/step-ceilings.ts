/**
 * Pure: a plan's steps and services against the installation's ceilings. Pipeline sandboxes
 * are created by the runner, not by the engine, so the runner applies the same ceilings the
 * engine applies to API sandboxes (`engine/ceilings.ts`) before anything starts.
 */
import { type CeilingRequest, checkCeilings, type SandboxCeilings } from "../../engine/ceilings.ts";
import type { ResourceLimits } from "../../runtimes/types.ts";
import type { Plan } from "./plan.ts";

/** Throws LIMIT_EXCEEDED naming each step field (or default) over its ceiling. */
export function checkPlanCeilings(plan: Plan, limits: ResourceLimits, ceilings: SandboxCeilings): void {
  const requests: CeilingRequest[] = [
    { field: "default memoryBytes", ceiling: "memoryBytes", value: limits.memoryBytes },
    { field: "default pids", ceiling: "pids", value: limits.pids },
    { field: "default cpuMillis", ceiling: "cpuMillis", value: limits.cpuMillis },
    { field: "default diskBytes", ceiling: "diskBytes", value: limits.diskBytes },
  ];
  for (const step of plan.steps) {
    const at = `steps.${step.name}`;
    if (step.memoryBytes !== undefined)
      requests.push({ field: `${at}.resources.memory`, ceiling: "memoryBytes", value: step.memoryBytes });
    if (step.cpuMillis !== undefined)
      requests.push({ field: `${at}.resources.cpu`, ceiling: "cpuMillis", value: step.cpuMillis });
    requests.push({ field: `${at}.timeout`, ceiling: "execTimeoutMs", value: step.timeoutMs });
  }
  checkCeilings(requests, ceilings, `pipeline '${plan.name}'`);
}
