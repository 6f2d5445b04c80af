/**
 * `c8s k8s verify`, the I/O half: runs CHECKS in order against a live cluster, each timed,
 * reporting each result as it finishes. A check that throws fails with the error's message;
 * a check whose prerequisites failed is skipped with the reason (checks.ts `skipReason`).
 */
import { randomBytes } from "node:crypto";
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  NetworkingV1Api,
  VersionApi,
  type KubeConfig,
} from "@kubernetes/client-node";
import { C8sError } from "../../errors/index.ts";
import { createKubernetesRuntime } from "../../runtimes/kubernetes/index.ts";
import { objectNamesFor, sandboxSelector } from "../../runtimes/kubernetes/manifests.ts";
import type { Runtime, SandboxHandle, SandboxSpec } from "../../runtimes/types.ts";
import { shellCommand } from "../../runtimes/types.ts";
import {
  CHECKS,
  compareRules,
  describeAccess,
  forbiddenAccess,
  requiredAccess,
  sandboxProblems,
  skipReason,
  type CheckId,
  type CheckResult,
  type ExpectedSandbox,
  type VerifyContext,
} from "./checks.ts";
import { kubeConfigForServiceAccount, partitionAccess, rulesBoundTo, simulatedByKwok } from "./cluster.ts";

export interface VerifyOptions {
  /** The kubeconfig verify runs with: an admin's (with an account identity) or the account's own. */
  kubeConfig: KubeConfig;
  context: VerifyContext;
  /** The sandbox image; default: the runtime's (busybox). */
  image?: string | undefined;
  /** How long the sandbox may take to become Ready. */
  startTimeoutMs: number;
  /**
   * The cluster's pods are simulated by KWOK (test clusters). Unset: detected from the nodes'
   * annotations, which needs `list nodes` — a server account alone cannot, so it says so.
   */
  simulated?: boolean | undefined;
  onResult?: ((result: CheckResult) => void) | undefined;
}

/** Seed 000's sandbox resources: requests 500m/512Mi, limits 1 CPU/1Gi, Jobs gone 60 s after finishing. */
const SANDBOX_LIMITS = {
  cpuMillis: 1000,
  memoryBytes: 1024 ** 3,
  pids: 256,
  fileSizeBytes: 1024 ** 3,
  diskBytes: 1024 ** 3,
};

/** Outcome of one check body: pass with a detail, or fail with one. */
type Outcome = { ok: boolean; detail: string };

class CheckFailed extends Error {}

function fail(detail: string): never {
  throw new CheckFailed(detail);
}

export async function runVerify(options: VerifyOptions): Promise<CheckResult[]> {
  const { kubeConfig, context } = options;
  const { namespace, identity } = context;
  const teams = context.teamNamespaces === true;
  const results: CheckResult[] = [];
  const admin = identity.kind === "service-account" ? kubeConfig : undefined;
  const sandboxId = `sbx_verify_${randomBytes(5).toString("hex")}`;
  const marker = `c8s-verify-${randomBytes(4).toString("hex")}`;
  let runtime: Runtime | undefined;
  let runtimeConfig: KubeConfig | undefined;
  let handle: SandboxHandle | undefined;
  const expected: ExpectedSandbox = {
    limits: { cpu: "1", memory: "1Gi" },
    requests: { cpu: "500m", memory: "512Mi" },
    ttlSecondsAfterFinished: 60,
    serviceAccountName: context.sandboxServiceAccount,
  };

  const asAccount = async (): Promise<KubeConfig> => {
    runtimeConfig ??=
      identity.kind === "service-account" ? await kubeConfigForServiceAccount(kubeConfig, identity) : kubeConfig;
    return runtimeConfig;
  };
  const access = async (
    attributes: Parameters<typeof partitionAccess>[2],
    want: "allowed" | "denied",
  ): Promise<Outcome> => {
    const split = await partitionAccess(kubeConfig, identity, attributes);
    const wrong = want === "allowed" ? split.denied : split.allowed;
    if (wrong.length > 0)
      return {
        ok: false,
        detail: `${want === "allowed" ? "denied" : "allowed"}: ${wrong.map(describeAccess).join("; ")}`,
      };
    return { ok: true, detail: `${attributes.length} access reviews ${want}` };
  };

  const bodies: Record<CheckId, () => Promise<Outcome>> = {
    cluster: async () => {
      const version = await kubeConfig.makeApiClient(VersionApi).getCode();
      return {
        ok: true,
        detail: `Kubernetes ${version.gitVersion} at ${kubeConfig.getCurrentCluster()?.server ?? "?"}`,
      };
    },
    namespace: async () => {
      const ns = await need(admin).makeApiClient(CoreV1Api).readNamespace({ name: namespace });
      return { ok: ns.status?.phase === "Active", detail: `phase ${ns.status?.phase ?? "unknown"}` };
    },
    "pod-security": async () => {
      const ns = await need(admin).makeApiClient(CoreV1Api).readNamespace({ name: namespace });
      const level = ns.metadata?.labels?.["pod-security.kubernetes.io/enforce"];
      return { ok: level === "restricted", detail: `pod-security.kubernetes.io/enforce=${level ?? "(unset)"}` };
    },
    "service-accounts": async () => {
      const core = need(admin).makeApiClient(CoreV1Api);
      const server = identity.kind === "service-account" ? identity.name : undefined;
      if (server !== undefined)
        await core.readNamespacedServiceAccount({
          name: server,
          namespace: identity.kind === "service-account" ? identity.namespace : namespace,
        });
      const sandbox = await core.readNamespacedServiceAccount({ name: context.sandboxServiceAccount, namespace });
      if (sandbox.automountServiceAccountToken !== false)
        return {
          ok: false,
          detail: `${context.sandboxServiceAccount} mounts its token (automountServiceAccountToken is not false)`,
        };
      return {
        ok: true,
        detail: `${server === undefined ? "" : `${server}, `}${context.sandboxServiceAccount} (token not mounted)`,
      };
    },
    rbac: async () => {
      if (identity.kind !== "service-account") fail("no account to look up");
      const bound = await rulesBoundTo(need(admin), identity);
      if (bound.bindings.length === 0)
        return { ok: false, detail: `no RoleBinding in ${identity.namespace} names ${identity.name}` };
      const teams = context.teamNamespaces === true;
      const { missing, extra } = compareRules(bound.rules, teams);
      const where = [...bound.bindings, ...bound.clusterBindings].join(", ");
      // Team namespaces need a ClusterRoleBinding; without them one is more than needed.
      if (missing.length > 0 || extra.length > 0 || (!teams && bound.clusterBindings.length > 0))
        return {
          ok: false,
          detail: `${where}: ${missing.length > 0 ? `missing ${missing.join(" ")}` : ""}${missing.length > 0 && extra.length > 0 ? "; " : ""}${extra.length > 0 ? `more than needed ${extra.join(" ")}` : ""}`,
        };
      return { ok: true, detail: where };
    },
    deployment: async () => {
      const list = await need(admin).makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace });
      const account = identity.kind === "service-account" ? identity.name : "";
      const servers = list.items.filter((d) => d.spec?.template.spec?.serviceAccountName === account);
      if (servers.length === 0) return { ok: false, detail: `no Deployment in ${namespace} runs as ${account}` };
      const states = servers.map((d) => ({
        name: d.metadata?.name ?? "?",
        want: d.spec?.replicas ?? 1,
        ready: d.status?.readyReplicas ?? 0,
      }));
      return {
        ok: states.every((s) => s.ready >= s.want && s.want > 0),
        detail: states.map((s) => `${s.name} ${s.ready}/${s.want} ready`).join(", "),
      };
    },
    "can-runtime": () => access(requiredAccess(namespace, teams), "allowed"),
    "cannot-nodes": () => access(forbiddenAccess(namespace, teams)["cannot-nodes"], "denied"),
    "cannot-secrets": () => access(forbiddenAccess(namespace, teams)["cannot-secrets"], "denied"),
    "cannot-cluster": () => access(forbiddenAccess(namespace, teams)["cannot-cluster"], "denied"),
    "sandbox-create": async () => {
      const config = await asAccount();
      // KWOK's simulated pods share the node's filesystem: each sandbox gets its own workdir there.
      const simulated = options.simulated ?? (await simulatedByKwok(admin ?? config));
      runtime = createKubernetesRuntime({
        kubeconfig: config,
        namespace,
        owner: "c8s-verify",
        defaults: {
          serviceAccountName: context.sandboxServiceAccount,
          ...(options.image ? { image: options.image } : {}),
        },
        startTimeoutMs: options.startTimeoutMs,
        prepareWorkdir: simulated,
      });
      const spec: SandboxSpec = {
        id: sandboxId,
        owner: "c8s-verify",
        env: {},
        workdir: simulated ? `/var/tmp/c8s-kwok/${sandboxId}/workspace` : "/workspace",
        mounts: [],
        network: { mode: "none" },
        limits: SANDBOX_LIMITS,
        labels: { "c8s.dev/purpose": "verify" },
      };
      handle = await runtime.create(spec);
      return {
        ok: true,
        detail: `Job ${objectNamesFor(sandboxId).job}${simulated ? " (pods simulated by KWOK)" : ""}`,
      };
    },
    "sandbox-exec": async () => {
      const proc = await need(runtime).exec(need(handle), {
        command: shellCommand(`echo ${marker}`),
        timeoutMs: 30_000,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      proc.stdout.on("data", (c: Buffer) => out.push(c));
      proc.stderr.on("data", (c: Buffer) => err.push(c));
      await proc.closeStdin();
      const result = await proc.result;
      const stdout = Buffer.concat(out).toString("utf8").trim();
      if (result.exitCode !== 0 || stdout !== marker)
        return {
          ok: false,
          detail: `exit ${result.exitCode ?? result.reason}, stdout ${JSON.stringify(stdout)}, stderr ${JSON.stringify(Buffer.concat(err).toString("utf8").trim())}`,
        };
      return { ok: true, detail: `echo ran, exit 0 in ${result.durationMs} ms` };
    },
    "sandbox-limits": async () => {
      const config = await asAccount();
      const selector = sandboxSelector(sandboxId);
      const [jobs, pods] = await Promise.all([
        config.makeApiClient(BatchV1Api).listNamespacedJob({ namespace, labelSelector: selector }),
        config.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: selector }),
      ]);
      const problems = sandboxProblems(jobs.items[0], pods.items[0], expected);
      if (problems.length > 0) return { ok: false, detail: problems.join("; ") };
      return {
        ok: true,
        detail: `requests ${expected.requests.cpu}/${expected.requests.memory}, limits ${expected.limits.cpu}/${expected.limits.memory}, ttlSecondsAfterFinished ${expected.ttlSecondsAfterFinished}`,
      };
    },
    "sandbox-cleanup": async () => {
      const config = await asAccount();
      await need(runtime).destroy(need(handle));
      handle = undefined;
      const selector = sandboxSelector(sandboxId);
      const [jobs, pods] = await Promise.all([
        config.makeApiClient(BatchV1Api).listNamespacedJob({ namespace, labelSelector: selector }),
        config.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: selector }),
      ]);
      const left = [
        ...jobs.items.map((j) => `Job ${j.metadata?.name}`),
        ...pods.items.map((p) => `pod ${p.metadata?.name}`),
        ...(admin === undefined
          ? []
          : await networkPolicyLeft(admin, namespace, objectNamesFor(sandboxId).networkPolicy)),
      ];
      if (left.length > 0) return { ok: false, detail: `still there after destroy: ${left.join(", ")}` };
      return {
        ok: true,
        detail:
          admin === undefined
            ? "Job and pod gone (NetworkPolicy not listable by this identity)"
            : "Job, pod and NetworkPolicy gone",
      };
    },
  };

  try {
    for (const check of CHECKS) {
      const title = check.title(context);
      const reason = skipReason(check, context, results);
      let result: CheckResult;
      if (reason !== undefined) {
        result = { id: check.id, title, status: "skip", durationMs: 0, detail: reason };
      } else {
        const started = performance.now();
        let outcome: Outcome;
        try {
          outcome = await bodies[check.id]();
        } catch (error) {
          outcome = { ok: false, detail: errorDetail(error) };
        }
        result = {
          id: check.id,
          title,
          status: outcome.ok ? "pass" : "fail",
          durationMs: performance.now() - started,
          detail: outcome.detail,
          ...(outcome.ok ? {} : { hint: check.hint(context) }),
        };
      }
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    // Never leave the probe sandbox behind, whatever failed.
    if (runtime !== undefined && handle !== undefined) await runtime.destroy(handle).catch(() => undefined);
    await runtime?.close();
  }
  return results;
}

function need<T>(value: T | undefined): T {
  if (value === undefined) throw new CheckFailed("a previous step did not produce what this check needs");
  return value;
}

async function networkPolicyLeft(admin: KubeConfig, namespace: string, name: string): Promise<string[]> {
  try {
    await admin.makeApiClient(NetworkingV1Api).readNamespacedNetworkPolicy({ name, namespace });
    return [`NetworkPolicy ${name}`];
  } catch (error) {
    if ((error as { code?: number }).code === 404) return [];
    throw error;
  }
}

/** A one-line reason from whatever a check threw (C8sError, ApiException, Error). */
export function errorDetail(error: unknown): string {
  if (error instanceof CheckFailed) return error.message;
  if (error instanceof C8sError) return `${error.code}: ${error.message}`;
  const api = error as { code?: unknown; body?: unknown };
  if (typeof api.code === "number") {
    let message = "";
    try {
      const body = typeof api.body === "string" ? (JSON.parse(api.body) as { message?: string }) : undefined;
      message = body?.message ?? "";
    } catch {
      message = String(api.body);
    }
    return `HTTP ${api.code}${message === "" ? "" : `: ${message}`}`;
  }
  return error instanceof Error ? error.message : String(error);
}
