/**
 * Pure builders for a team's own namespace (C8S_KUBERNETES_NAMESPACE_PER_TEAM): its name, the
 * Namespace, a ResourceQuota from the team's quotas and a LimitRange with the installation's
 * default limits. No I/O here: the runtime applies what these return (ensureTeamNamespace in
 * runtime.ts). Table-tested in test/unit/runtimes/kubernetes-team-namespace.test.ts.
 */
import { createHash } from "node:crypto";
import type { V1LimitRange, V1Namespace, V1ResourceQuota } from "@kubernetes/client-node";
import type { SandboxTeam } from "../types.ts";
import { cpuQuantity, labelValue, MANAGED_BY, MANAGED_BY_LABEL, memoryQuantity } from "./manifests.ts";

export const TEAM_LABEL = "c8s.dev/team";
/** The configured namespace a team namespace was derived from: listOwned finds them by it. */
export const BASE_NAMESPACE_LABEL = "c8s.dev/base-namespace";
export const TEAM_QUOTA_NAME = "c8s-team-quota";
export const TEAM_LIMIT_RANGE_NAME = "c8s-team-defaults";
export const POD_SECURITY_LABEL = "pod-security.kubernetes.io/enforce";

const DNS_LABEL_MAX = 63;
const HASH_LENGTH = 8;

/** The installation's default sandbox limits: the LimitRange's container defaults. */
export interface TeamNamespaceDefaults {
  limits: { cpuMillis: number; memoryBytes: number };
  requests: { cpuMillis: number; memoryBytes: number };
}

/**
 * `<base>-<team>` as a DNS label. A team id that is not already a clean label, or a name
 * longer than 63, becomes `<base>-<readable prefix>-<hash of the id>`: two teams never share
 * a namespace because their ids differ only in case, punctuation or a cut-off tail.
 */
export function teamNamespaceName(base: string, teamId: string): string {
  const clean = teamId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
  const plain = `${base}-${clean}`;
  if (clean === teamId && clean !== "" && plain.length <= DNS_LABEL_MAX) return plain;
  const hash = createHash("sha256").update(teamId).digest("hex").slice(0, HASH_LENGTH);
  const room = DNS_LABEL_MAX - base.length - HASH_LENGTH - 2;
  const prefix = room > 0 ? clean.slice(0, room).replace(/-+$/, "") : "";
  const name = prefix === "" ? `${base}-${hash}` : `${base}-${prefix}-${hash}`;
  // A base of 63 characters leaves no room: keep its head and the hash.
  return name.length <= DNS_LABEL_MAX
    ? name
    : `${base.slice(0, DNS_LABEL_MAX - HASH_LENGTH - 1).replace(/-+$/, "")}-${hash}`;
}

function teamLabels(base: string, team: SandboxTeam): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [TEAM_LABEL]: labelValue(team.id),
    [BASE_NAMESPACE_LABEL]: base,
  };
}

/** The team's namespace; sandbox pods are built to pass Pod Security `restricted`, which it enforces. */
export function buildTeamNamespace(base: string, team: SandboxTeam): V1Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: teamNamespaceName(base, team.id),
      labels: { ...teamLabels(base, team), [POD_SECURITY_LABEL]: "restricted" },
      annotations: { [TEAM_LABEL]: team.id },
    },
  };
}

/**
 * The team's quotas as a ResourceQuota: pods = maxSandboxes, limits and requests of memory and
 * CPU = maxMemoryBytes / maxCpuMillis; what is unset is left out, and null when none is set.
 */
export function buildTeamResourceQuota(base: string, team: SandboxTeam): V1ResourceQuota | null {
  const { maxSandboxes, maxMemoryBytes, maxCpuMillis } = team.quotas;
  const hard: Record<string, string> = {};
  if (maxSandboxes !== null) hard["pods"] = String(maxSandboxes);
  if (maxMemoryBytes !== null) {
    hard["limits.memory"] = memoryQuantity(maxMemoryBytes);
    hard["requests.memory"] = memoryQuantity(maxMemoryBytes);
  }
  if (maxCpuMillis !== null) {
    hard["limits.cpu"] = cpuQuantity(maxCpuMillis);
    hard["requests.cpu"] = cpuQuantity(maxCpuMillis);
  }
  if (Object.keys(hard).length === 0) return null;
  return {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: {
      name: TEAM_QUOTA_NAME,
      namespace: teamNamespaceName(base, team.id),
      labels: teamLabels(base, team),
    },
    spec: { hard },
  };
}

/** Containers that name no resources get the installation's default sandbox limits and requests. */
export function buildTeamLimitRange(base: string, team: SandboxTeam, defaults: TeamNamespaceDefaults): V1LimitRange {
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: {
      name: TEAM_LIMIT_RANGE_NAME,
      namespace: teamNamespaceName(base, team.id),
      labels: teamLabels(base, team),
    },
    spec: {
      limits: [
        {
          type: "Container",
          _default: {
            cpu: cpuQuantity(defaults.limits.cpuMillis),
            memory: memoryQuantity(defaults.limits.memoryBytes),
          },
          defaultRequest: {
            cpu: cpuQuantity(Math.min(defaults.requests.cpuMillis, defaults.limits.cpuMillis)),
            memory: memoryQuantity(Math.min(defaults.requests.memoryBytes, defaults.limits.memoryBytes)),
          },
        },
      ],
    },
  };
}

/** What the runtime caches per namespace: applied again only when this changes. */
export function teamNamespaceFingerprint(team: SandboxTeam): string {
  const { maxSandboxes, maxMemoryBytes, maxCpuMillis } = team.quotas;
  return JSON.stringify([team.id, maxSandboxes, maxMemoryBytes, maxCpuMillis]);
}

/** The label selector of every team namespace derived from `base`. */
export function teamNamespacesSelector(base: string): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY},${BASE_NAMESPACE_LABEL}=${base}`;
}
