/**
 * The thin I/O half of team namespaces: applies what team-namespace.ts builds
 * (create-or-update, idempotent) and remembers per process what it applied, so only a team's
 * first sandbox, or the first after its quotas changed, costs API calls.
 */
import type { CoreV1Api, KubernetesObject } from "@kubernetes/client-node";
import type { SandboxTeam } from "../types.ts";
import { isAlreadyExists, isNotFound } from "./errors.ts";
import {
  buildTeamLimitRange,
  buildTeamNamespace,
  buildTeamResourceQuota,
  TEAM_QUOTA_NAME,
  teamNamespaceFingerprint,
  teamNamespaceName,
  teamNamespacesSelector,
  type TeamNamespaceDefaults,
} from "./team-namespace.ts";

export interface TeamNamespaces {
  nameOf(team: SandboxTeam): string;
  /** The namespace, its ResourceQuota and LimitRange exist and match the team's quotas. */
  ensure(team: SandboxTeam): Promise<void>;
  /** Every team namespace of this base namespace (orphan clean-up looks in each). */
  list(): Promise<string[]>;
}

/** Create; when it exists, replace it with `body` (keeping its resourceVersion) unless `same`. */
async function apply<T extends KubernetesObject>(
  body: T,
  calls: { create(): Promise<unknown>; read(): Promise<T>; replace(body: T): Promise<unknown> },
  same: (current: T) => boolean,
  merge: (current: T) => T = (current) => ({
    ...body,
    metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion },
  }),
): Promise<void> {
  try {
    await calls.create();
    return;
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
  const current = await calls.read();
  if (!same(current)) await calls.replace(merge(current));
}

/** JSON with object keys sorted and undefined left out: equal content compares equal in any key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(",")}}`;
  return JSON.stringify(value ?? null);
}

const sameJson = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

export function createTeamNamespaces(core: CoreV1Api, base: string, defaults: TeamNamespaceDefaults): TeamNamespaces {
  /** Namespace → the fingerprint being or last applied; a failure forgets it (the next create retries). */
  const applied = new Map<string, { fingerprint: string; done: Promise<void> }>();

  const applyAll = async (team: SandboxTeam): Promise<void> => {
    const namespace = buildTeamNamespace(base, team);
    const name = namespace.metadata?.name ?? "";
    const wanted = namespace.metadata?.labels ?? {};
    await apply(
      namespace,
      {
        create: () => core.createNamespace({ body: namespace }),
        read: () => core.readNamespace({ name }),
        replace: (body) => core.replaceNamespace({ name, body }),
      },
      (current) => Object.entries(wanted).every(([k, v]) => current.metadata?.labels?.[k] === v),
      // Labels merged over the namespace's own: an admin's labels and annotations are kept.
      (current) => ({
        ...current,
        metadata: { ...current.metadata, labels: { ...current.metadata?.labels, ...wanted } },
      }),
    );
    const quota = buildTeamResourceQuota(base, team);
    if (quota === null) {
      try {
        await core.deleteNamespacedResourceQuota({ name: TEAM_QUOTA_NAME, namespace: name });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    } else {
      await apply(
        quota,
        {
          create: () => core.createNamespacedResourceQuota({ namespace: name, body: quota }),
          read: () => core.readNamespacedResourceQuota({ name: TEAM_QUOTA_NAME, namespace: name }),
          replace: (body) => core.replaceNamespacedResourceQuota({ name: TEAM_QUOTA_NAME, namespace: name, body }),
        },
        (current) => sameJson(current.spec?.hard, quota.spec?.hard),
      );
    }
    const limitRange = buildTeamLimitRange(base, team, defaults);
    const limitRangeName = limitRange.metadata?.name ?? "";
    await apply(
      limitRange,
      {
        create: () => core.createNamespacedLimitRange({ namespace: name, body: limitRange }),
        read: () => core.readNamespacedLimitRange({ name: limitRangeName, namespace: name }),
        replace: (body) => core.replaceNamespacedLimitRange({ name: limitRangeName, namespace: name, body }),
      },
      (current) => sameJson(current.spec?.limits, limitRange.spec?.limits),
    );
  };

  return {
    nameOf: (team) => teamNamespaceName(base, team.id),
    ensure(team) {
      const name = teamNamespaceName(base, team.id);
      const fingerprint = teamNamespaceFingerprint(team);
      const known = applied.get(name);
      if (known?.fingerprint === fingerprint) return known.done;
      const done = (known?.done.catch(() => undefined) ?? Promise.resolve()).then(() => applyAll(team));
      applied.set(name, { fingerprint, done });
      done.catch(() => {
        if (applied.get(name)?.done === done) applied.delete(name);
      });
      return done;
    },
    async list() {
      const namespaces = await core.listNamespace({ labelSelector: teamNamespacesSelector(base) });
      return namespaces.items.flatMap((n) => (n.metadata?.name === undefined ? [] : [n.metadata.name]));
    },
  };
}
