/**
 * Team quotas, as pure functions: what applies to a team (its own quota, else the
 * installation's default, else none), what its active sandboxes use, and whether one more
 * sandbox fits. The engine checks a user's sandbox under the same lock as `maxSandboxes`, so
 * two creates cannot both take the last unit; a step or service of an admitted run is counted
 * but never refused (the run quota decides how many runs execute, and a step refused half-way
 * would fail a run that was let in). The stored-bytes quota (artifacts and step logs) is
 * checked when a run is submitted (`checkStoredBytes`).
 */
import { C8sError } from "../errors/index.ts";
import type { RunRepository } from "../store/runs-types.ts";
import { NO_QUOTAS, type SandboxRecord, type SandboxRepository, type TeamQuotas } from "../store/types.ts";
import type { SandboxPlan } from "./sandbox-plan.ts";
import { ACTIVE_STATES } from "./state-machine.ts";

/** How the engine learns a team's quotas (resolved: a null is no quota). */
export type TeamQuotaSource = (teamId: string) => Promise<TeamQuotas>;

/** The quotas that apply: the team's own, else the installation's default, else none. */
export function effectiveQuotas(
  own: TeamQuotas | null,
  defaults: Partial<Record<keyof TeamQuotas, number>>,
): TeamQuotas {
  const base = own ?? NO_QUOTAS;
  return {
    maxSandboxes: base.maxSandboxes ?? defaults.maxSandboxes ?? null,
    maxMemoryBytes: base.maxMemoryBytes ?? defaults.maxMemoryBytes ?? null,
    maxCpuMillis: base.maxCpuMillis ?? defaults.maxCpuMillis ?? null,
    maxRuns: base.maxRuns ?? defaults.maxRuns ?? null,
    maxStoredBytes: base.maxStoredBytes ?? defaults.maxStoredBytes ?? null,
  };
}

export interface SandboxUsage {
  sandboxes: number;
  memoryBytes: number;
  cpuMillis: number;
}

function limitOf(record: Pick<SandboxRecord, "spec">, name: "memoryBytes" | "cpuMillis"): number {
  const limits = record.spec["limits"] as Record<string, unknown> | undefined;
  const value = limits?.[name];
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** What these (active) sandboxes hold: how many, and their memory and CPU limits summed. */
export function usageOf(records: readonly Pick<SandboxRecord, "spec">[]): SandboxUsage {
  let memoryBytes = 0;
  let cpuMillis = 0;
  for (const record of records) {
    memoryBytes += limitOf(record, "memoryBytes");
    cpuMillis += limitOf(record, "cpuMillis");
  }
  return { sandboxes: records.length, memoryBytes, cpuMillis };
}

const UNITS = { maxSandboxes: "sandboxes", maxMemoryBytes: "bytes of memory", maxCpuMillis: "CPU millis" } as const;

/** QUOTA_EXCEEDED when `request` (one more sandbox) would take `usage` past a quota. */
export function checkSandboxQuota(
  teamId: string,
  quotas: TeamQuotas,
  usage: SandboxUsage,
  request: { memoryBytes: number; cpuMillis: number },
): void {
  const checks = [
    { quota: "maxSandboxes", limit: quotas.maxSandboxes, current: usage.sandboxes, requested: 1 },
    {
      quota: "maxMemoryBytes",
      limit: quotas.maxMemoryBytes,
      current: usage.memoryBytes,
      requested: request.memoryBytes,
    },
    { quota: "maxCpuMillis", limit: quotas.maxCpuMillis, current: usage.cpuMillis, requested: request.cpuMillis },
  ] as const;
  for (const { quota, limit, current, requested } of checks) {
    if (limit === null || current + requested <= limit) continue;
    throw new C8sError(
      "QUOTA_EXCEEDED",
      `team '${teamId}' would exceed its ${quota} quota: ${current} ${UNITS[quota]} in use, ${requested} more asked for, the quota is ${limit}`,
      {
        details: { team: teamId, quota, limit, current, requested },
        hint:
          quota === "maxSandboxes"
            ? "Destroy sandboxes the team no longer needs (c8s sandbox rm), or ask an installation admin to raise the quota (c8s team update)."
            : "Ask for smaller limits, destroy sandboxes the team no longer needs, or ask an installation admin to raise the quota (c8s team update).",
      },
    );
  }
}

/**
 * The engine's check, called while it holds its create lock: a user's sandbox must fit its
 * team's quotas; a run's workloads are counted in the usage, never refused.
 */
export async function enforceTeamQuota(
  source: TeamQuotaSource,
  sandboxes: Pick<SandboxRepository, "list">,
  { record, spec }: Pick<SandboxPlan, "record" | "spec">,
): Promise<void> {
  if (record.purpose !== "sandbox") return;
  const quotas = await source(record.teamId);
  if (quotas.maxSandboxes === null && quotas.maxMemoryBytes === null && quotas.maxCpuMillis === null) return;
  const active = await sandboxes.list({ teamId: record.teamId, state: [...ACTIVE_STATES] });
  checkSandboxQuota(record.teamId, quotas, usageOf(active), spec.limits);
}

/**
 * QUOTA_EXCEEDED when a team's runs already keep `current` bytes (artifacts and step logs) and
 * its quota is `limit` or less. Checked when a run is submitted: a run that executes may go
 * past the quota by what it writes, the next submit is refused.
 */
export function checkStoredBytes(teamId: string, limit: number | null, current: number): void {
  if (limit === null || current < limit) return;
  throw new C8sError(
    "QUOTA_EXCEEDED",
    `team '${teamId}' is at its storedBytes quota: its runs keep ${current} bytes of artifacts and logs, the quota is ${limit}`,
    {
      details: { team: teamId, quota: "storedBytes", limit, current },
      hint: "Ask an installation admin to raise the quota (c8s team update NAME --max-stored 20Gi); c8s cannot delete runs yet, so what the team's runs stored keeps counting.",
    },
  );
}

/** A run submit's check (API, re-run, webhook): the team's quota against what its runs store. */
export async function enforceStoredBytes(
  source: TeamQuotaSource | undefined,
  runs: Pick<RunRepository, "storedBytes">,
  teamId: string,
): Promise<void> {
  const limit = (await source?.(teamId))?.maxStoredBytes ?? null;
  if (limit !== null) checkStoredBytes(teamId, limit, await runs.storedBytes(teamId));
}
