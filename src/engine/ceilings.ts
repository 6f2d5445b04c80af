/**
 * Installation-wide ceilings on what one sandbox may ask for, and who may have the host's
 * network. Pure: the engine (API sandboxes, execs) and the pipeline runner (steps, services,
 * `c8s run`) check every request here, so no door hands out more than the operator allows.
 */
import { C8sError } from "../errors/index.ts";

/** The most one sandbox (or one exec) may ask for. */
export interface SandboxCeilings {
  memoryBytes: number;
  pids: number;
  cpuMillis: number;
  /** Workspace and /tmp quota, each. */
  diskBytes: number;
  ttlMs: number;
  idleTimeoutMs: number;
  execTimeoutMs: number;
}

export type CeilingName = keyof SandboxCeilings;

/** The setting behind each ceiling, named in errors so the operator knows what to change. */
export const CEILING_SETTINGS: Readonly<Record<CeilingName, string>> = {
  memoryBytes: "C8S_MAX_MEMORY_BYTES",
  pids: "C8S_MAX_PIDS",
  cpuMillis: "C8S_MAX_CPU_MILLIS",
  diskBytes: "C8S_MAX_DISK_BYTES",
  ttlMs: "C8S_MAX_TTL_MS",
  idleTimeoutMs: "C8S_MAX_IDLE_TIMEOUT_MS",
  execTimeoutMs: "C8S_MAX_EXEC_TIMEOUT_MS",
};

/** Ceilings that only bound what the request schemas already bound (for engines built without a config). */
export const SCHEMA_CEILINGS: SandboxCeilings = {
  memoryBytes: 1024 ** 4,
  pids: 1_000_000,
  cpuMillis: 1_000_000,
  diskBytes: 1024 ** 4,
  ttlMs: 30 * 24 * 60 * 60 * 1000,
  idleTimeoutMs: 30 * 24 * 60 * 60 * 1000,
  execTimeoutMs: 7 * 24 * 60 * 60 * 1000,
};

/** One requested value and the ceiling it falls under; `field` is how the caller named it. */
export interface CeilingRequest {
  field: string;
  ceiling: CeilingName;
  value: number;
}

function human(ceiling: CeilingName, value: number): string {
  if (ceiling === "memoryBytes" || ceiling === "diskBytes") {
    for (const [unit, size] of [
      ["TiB", 1024 ** 4],
      ["GiB", 1024 ** 3],
      ["MiB", 1024 ** 2],
      ["KiB", 1024],
    ] as const)
      if (value >= size) return `${Number((value / size).toFixed(2))} ${unit}`;
    return `${value} bytes`;
  }
  if (ceiling === "cpuMillis") return `${Number((value / 1000).toFixed(3))} CPUs`;
  if (ceiling === "pids") return `${value} processes`;
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["min", 60_000],
    ["s", 1000],
  ] as const)
    if (value >= size) return `${Number((value / size).toFixed(2))} ${unit}`;
  return `${value} ms`;
}

/**
 * Throws LIMIT_EXCEEDED naming every request over its ceiling, the ceiling, its setting and
 * what to do. `what` says whose request it was ("the sandbox request", "step 'build'").
 */
export function checkCeilings(requests: readonly CeilingRequest[], ceilings: SandboxCeilings, what: string): void {
  const over = requests.filter((r) => r.value > ceilings[r.ceiling]);
  const first = over[0];
  if (first === undefined) return;
  const exceeded = over.map((r) => ({
    field: r.field,
    requested: r.value,
    ceiling: ceilings[r.ceiling],
    setting: CEILING_SETTINGS[r.ceiling],
  }));
  const parts = over.map(
    (r) =>
      `${r.field} ${r.value} (${human(r.ceiling, r.value)}) is over this installation's ceiling of ` +
      `${ceilings[r.ceiling]} (${human(r.ceiling, ceilings[r.ceiling])}, ${CEILING_SETTINGS[r.ceiling]})`,
  );
  throw new C8sError("LIMIT_EXCEEDED", `${what} asks for more than this installation allows: ${parts.join("; ")}`, {
    details: { field: first.field, exceeded },
    hint:
      `Ask for at most ${exceeded.map((e) => `${e.field}=${e.ceiling}`).join(", ")}, or have the operator ` +
      `raise ${[...new Set(exceeded.map((e) => e.setting))].join(", ")}.`,
  });
}

/** Who may give a sandbox the host's network: installation admins only, or nobody. */
export type HostNetworkPolicy = "admins" | "never";

export const HOST_NETWORK_SETTING = "C8S_ALLOW_HOST_NETWORK";

/** Who is asking, as far as the engine's policies care. */
export interface Caller {
  /** An installation admin: a token with the `admin` scope, or the machine's own user (`c8s run`). */
  admin: boolean;
  /** The team the sandbox will belong to (default `default`). */
  teamId?: string;
}

/** The caller the engine assumes when none is named: no privileges. */
export const UNPRIVILEGED_CALLER: Caller = { admin: false };

/** Throws PERMISSION_DENIED when `caller` may not have `network: "host"` under `policy`. */
export function checkHostNetwork(policy: HostNetworkPolicy, caller: Caller): void {
  if (policy === "admins" && caller.admin) return;
  const message =
    policy === "never"
      ? `network "host" is disabled on this installation (${HOST_NETWORK_SETTING}=never)`
      : `network "host" is reserved for installation admins (${HOST_NETWORK_SETTING}=admins) and this caller is not one`;
  throw new C8sError("PERMISSION_DENIED", message, {
    details: { field: "network", setting: HOST_NETWORK_SETTING, policy },
    hint:
      policy === "never"
        ? 'Use network "none" (the default); the operator can set C8S_ALLOW_HOST_NETWORK=admins to let admins have it.'
        : 'Use network "none" (the default), or ask an admin (a token with the admin scope) to create the sandbox.',
  });
}
