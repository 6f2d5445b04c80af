/**
 * The kubernetes runtime's settings as they enter from the environment (the ConfigMap in
 * deploy/kubernetes), validated with zod once. Takes the environment as an argument: only
 * entry points pass `process.env`.
 */
import { z } from "zod";
import { C8sError } from "../../errors/index.ts";
import type { KubernetesRuntimeOptions } from "./runtime.ts";

const blankToUndefined = (value: unknown): unknown => (value === "" ? undefined : value);

const envSchema = z.object({
  KUBECONFIG: z.preprocess(blankToUndefined, z.string().optional()),
  KUBERNETES_SERVICE_HOST: z.preprocess(blankToUndefined, z.string().optional()),
  C8S_KUBERNETES_NAMESPACE: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label")
      .max(63)
      .default("c8s"),
  ),
  C8S_KUBERNETES_OWNER: z.preprocess(blankToUndefined, z.string().min(1).max(253).optional()),
  C8S_KUBERNETES_IMAGE: z.preprocess(blankToUndefined, z.string().min(1).optional()),
  C8S_KUBERNETES_SANDBOX_SERVICE_ACCOUNT: z.preprocess(blankToUndefined, z.string().min(1).optional()),
  C8S_KUBERNETES_RUNTIME_CLASS: z.preprocess(blankToUndefined, z.string().min(1).optional()),
  C8S_KUBERNETES_WORKSPACE_SIZE: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d+(Ki|Mi|Gi|Ti)$/)
      .optional(),
  ),
  C8S_KUBERNETES_STORAGE_CLASS: z.preprocess(blankToUndefined, z.string().min(1).optional()),
  /** `1`/`true`: each team's sandboxes run in `<namespace>-<team>` (see team-namespace.ts). */
  C8S_KUBERNETES_NAMESPACE_PER_TEAM: z.preprocess(
    blankToUndefined,
    z
      .enum(["1", "0", "true", "false"])
      .default("0")
      .transform((v) => v === "1" || v === "true"),
  ),
  /** KWOK test clusters only (pods share the node's filesystem): see simulatedWorkdirRoot. */
  C8S_KUBERNETES_SIMULATED_WORKDIR_ROOT: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\/[^\0]*$/, "must be an absolute path")
      .optional(),
  ),
});

/** The config module's own default sandbox limits, for callers that pass none. */
const FALLBACK_DEFAULT_LIMITS = { cpuMillis: 1000, memoryBytes: 512 * 1024 * 1024 };

/**
 * Options for `createKubernetesRuntime` from C8S_KUBERNETES_* variables. In a pod
 * (KUBERNETES_SERVICE_HOST set, no KUBECONFIG) it uses the in-cluster account.
 */
export function kubernetesOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  base: {
    owner: string;
    ttlMs: number;
    /** The installation's default sandbox limits (C8S_DEFAULT_*): a team namespace's LimitRange. */
    limits?: { cpuMillis: number; memoryBytes: number } | undefined;
  },
): KubernetesRuntimeOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") ?? "(env)";
    throw new C8sError("CONFIG_INVALID", `invalid Kubernetes setting ${field}: ${issue?.message ?? "invalid"}`, {
      details: { field },
      hint: `Fix ${field} (see deploy/kubernetes/configmap.yaml and docs/kubernetes.md).`,
    });
  }
  const e = parsed.data;
  const inCluster = e.KUBECONFIG === undefined && e.KUBERNETES_SERVICE_HOST !== undefined;
  return {
    ...(inCluster ? { inCluster: true } : { kubeconfig: e.KUBECONFIG }),
    namespace: e.C8S_KUBERNETES_NAMESPACE,
    owner: e.C8S_KUBERNETES_OWNER ?? base.owner,
    ...(e.C8S_KUBERNETES_NAMESPACE_PER_TEAM
      ? { teamNamespaces: { defaultLimits: base.limits ?? FALLBACK_DEFAULT_LIMITS } }
      : {}),
    ...(e.C8S_KUBERNETES_SIMULATED_WORKDIR_ROOT === undefined
      ? {}
      : {
          simulatedWorkdirRoot: e.C8S_KUBERNETES_SIMULATED_WORKDIR_ROOT,
          notes: ["pods are simulated (KWOK): commands run as processes of the node, with no container isolation"],
        }),
    defaults: {
      activeDeadlineSeconds: Math.max(1, Math.ceil(base.ttlMs / 1000)),
      ...(e.C8S_KUBERNETES_IMAGE === undefined ? {} : { image: e.C8S_KUBERNETES_IMAGE }),
      ...(e.C8S_KUBERNETES_SANDBOX_SERVICE_ACCOUNT === undefined
        ? {}
        : { serviceAccountName: e.C8S_KUBERNETES_SANDBOX_SERVICE_ACCOUNT }),
      ...(e.C8S_KUBERNETES_RUNTIME_CLASS === undefined ? {} : { runtimeClassName: e.C8S_KUBERNETES_RUNTIME_CLASS }),
      ...(e.C8S_KUBERNETES_WORKSPACE_SIZE === undefined
        ? {}
        : {
            persistentWorkspace: {
              size: e.C8S_KUBERNETES_WORKSPACE_SIZE,
              ...(e.C8S_KUBERNETES_STORAGE_CLASS === undefined
                ? {}
                : { storageClassName: e.C8S_KUBERNETES_STORAGE_CLASS }),
            },
          }),
    },
  };
}
