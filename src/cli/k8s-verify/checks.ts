/**
 * `c8s k8s verify`, the pure half: the checks seed 001's checklist asks for, in order, what
 * each needs, the access the server account must and must not have, and the judgements on
 * objects read from the cluster (Role rules, the sandbox's Job and pod). No I/O here.
 */
import type { V1Job, V1Pod, V1PolicyRule } from "@kubernetes/client-node";
import {
  RUNTIME_PERMISSIONS,
  TEAM_NAMESPACE_PERMISSIONS,
  type RuntimePermission,
} from "../../runtimes/kubernetes/permissions.ts";

export type CheckId =
  | "cluster"
  | "namespace"
  | "pod-security"
  | "service-accounts"
  | "rbac"
  | "deployment"
  | "can-runtime"
  | "cannot-nodes"
  | "cannot-secrets"
  | "cannot-cluster"
  | "sandbox-create"
  | "sandbox-exec"
  | "sandbox-limits"
  | "sandbox-cleanup";

export type CheckStatus = "pass" | "fail" | "skip";

export interface CheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  durationMs: number;
  /** What was found (on pass too: versions, timings, names). */
  detail: string;
  /** What to do about a failure. */
  hint?: string | undefined;
}

/** Who the checks are about. */
export type VerifyIdentity =
  /** `--as-service-account ns:name` with an admin kubeconfig: SubjectAccessReview, TokenRequest. */
  | { kind: "service-account"; namespace: string; name: string }
  /** The kubeconfig's own identity (in a pod: its ServiceAccount): SelfSubjectAccessReview. */
  | { kind: "self" };

export interface VerifyContext {
  namespace: string;
  identity: VerifyIdentity;
  /** The account sandbox pods run as (deploy/kubernetes: c8s-sandbox). */
  sandboxServiceAccount: string;
  /**
   * C8S_KUBERNETES_NAMESPACE_PER_TEAM is on: the account also needs TEAM_NAMESPACE_PERMISSIONS
   * cluster-wide and the runtime's in team namespaces (a ClusterRole), and may list namespaces
   * and make Jobs outside its own.
   */
  teamNamespaces?: boolean | undefined;
}

/** A team namespace verify asks about (it need not exist: access reviews take any name). */
export function sampleTeamNamespace(namespace: string): string {
  return `${namespace.slice(0, 50)}-verify-team`;
}

export interface CheckDefinition {
  id: CheckId;
  title(context: VerifyContext): string;
  hint(context: VerifyContext): string;
  /** Checks that must have passed for this one to run. */
  needs: CheckId[];
  /** Needs an admin's view (reads namespaces, ServiceAccounts, RBAC): skipped for `self`. */
  admin?: boolean;
}

export function subjectName(identity: VerifyIdentity): string {
  return identity.kind === "service-account"
    ? `system:serviceaccount:${identity.namespace}:${identity.name}`
    : "the current identity";
}

const applyHint = (c: VerifyContext) =>
  `Apply the manifests: kubectl apply -k deploy/kubernetes (or helm install c8s deploy/helm/c8s -n ${c.namespace}).`;

export const CHECKS: readonly CheckDefinition[] = [
  {
    id: "cluster",
    title: () => "the API server answers",
    hint: () => "Check KUBECONFIG / the current context (kubectl cluster-info), or run inside the cluster.",
    needs: [],
  },
  {
    id: "namespace",
    title: (c) => `namespace ${c.namespace} exists`,
    hint: applyHint,
    needs: ["cluster"],
    admin: true,
  },
  {
    id: "pod-security",
    title: (c) => `namespace ${c.namespace} enforces Pod Security restricted`,
    hint: (c) => `kubectl label namespace ${c.namespace} pod-security.kubernetes.io/enforce=restricted --overwrite`,
    needs: ["namespace"],
    admin: true,
  },
  {
    id: "service-accounts",
    title: (c) =>
      `ServiceAccounts ${c.identity.kind === "service-account" ? `${c.identity.name} and ` : ""}${c.sandboxServiceAccount} exist`,
    hint: applyHint,
    needs: ["namespace"],
    admin: true,
  },
  {
    id: "rbac",
    title: (c) => `a Role and RoleBinding grant ${subjectName(c.identity)} exactly the runtime's permissions`,
    hint: () =>
      "The Role must hold exactly RUNTIME_PERMISSIONS (src/runtimes/kubernetes/permissions.ts): re-apply deploy/kubernetes/rbac.yaml.",
    needs: ["service-accounts"],
    admin: true,
  },
  {
    id: "deployment",
    title: (c) => `the c8s server Deployment in ${c.namespace} is ready`,
    hint: (c) => `kubectl -n ${c.namespace} describe deployment; kubectl -n ${c.namespace} logs deployment/c8s`,
    needs: ["namespace"],
    admin: true,
  },
  {
    id: "can-runtime",
    title: (c) => `${subjectName(c.identity)} can do everything the runtime needs`,
    hint: () =>
      "Grant the missing verbs in the Role (deploy/kubernetes/rbac.yaml) and check the RoleBinding's subject.",
    needs: ["cluster"],
  },
  {
    id: "cannot-nodes",
    title: (c) => `${subjectName(c.identity)} cannot delete or list nodes`,
    hint: () =>
      "Remove ClusterRoleBindings that give this account node access (kubectl get clusterrolebindings -o wide).",
    needs: ["cluster"],
  },
  {
    id: "cannot-secrets",
    title: (c) => `${subjectName(c.identity)} cannot read Secrets, here or in other namespaces`,
    hint: () => "Remove the Secret rules or bindings that reach this account: c8s never reads Secrets through the API.",
    needs: ["cluster"],
  },
  {
    id: "cannot-cluster",
    title: (c) => `${subjectName(c.identity)} has no cluster-wide or cross-namespace access`,
    hint: () => "Bind the account only with a Role in its own namespace, never a ClusterRole(Binding).",
    needs: ["cluster"],
  },
  {
    id: "sandbox-create",
    title: () => "a sandbox Job spawns and its pod becomes Ready (target < 10 s)",
    hint: (c) =>
      `kubectl -n ${c.namespace} get jobs,pods -l app.kubernetes.io/managed-by=c8s; kubectl -n ${c.namespace} describe pod`,
    needs: ["can-runtime"],
  },
  {
    id: "sandbox-exec",
    title: () => "a command runs in the sandbox (target < 2 s)",
    hint: () =>
      "Exec goes through pods/exec over WebSocket: check the Role's pods/exec verbs and the API server's proxy.",
    needs: ["sandbox-create"],
  },
  {
    id: "sandbox-limits",
    title: () => "the sandbox's Job and pod carry the expected limits and restricted security context",
    hint: () =>
      "A LimitRange or mutating webhook may rewrite pods; compare kubectl get pod -o yaml with the Job template.",
    needs: ["sandbox-create"],
  },
  {
    id: "sandbox-cleanup",
    title: () => "destroy removes the Job, its pod and its NetworkPolicy (target < 5 s)",
    hint: (c) => `kubectl -n ${c.namespace} get jobs,pods,networkpolicies -l c8s.dev/sandbox; check finalizers`,
    needs: ["sandbox-create"],
  },
];

/** Why a check does not run, given the results so far; undefined: it runs. */
export function skipReason(
  check: CheckDefinition,
  context: VerifyContext,
  results: readonly CheckResult[],
): string | undefined {
  if (check.admin === true && context.identity.kind === "self")
    return "needs an admin's view of the namespace; run with an admin kubeconfig and --as-service-account NS:NAME";
  const blocked = check.needs.filter((id) => results.find((r) => r.id === id)?.status !== "pass");
  if (blocked.length > 0) return `needs ${blocked.join(", ")} to pass first`;
  return undefined;
}

/** `ns:name` → the identity; undefined when malformed. */
export function parseServiceAccount(text: string): { namespace: string; name: string } | undefined {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?):([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(text);
  if (!match?.[1] || !match[3]) return undefined;
  return { namespace: match[1], name: match[3] };
}

export interface AccessAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** "" for cluster-scoped. */
  namespace: string;
}

export function describeAccess(a: AccessAttributes): string {
  const resource = `${a.group === "" ? "" : `${a.group}/`}${a.resource}${a.subresource ? `/${a.subresource}` : ""}`;
  return `${a.verb} ${resource}${a.namespace === "" ? " (cluster-wide)" : ` in ${a.namespace}`}`;
}

function accessOf(permissions: readonly RuntimePermission[], namespace: string): AccessAttributes[] {
  return permissions.flatMap((p) =>
    p.verbs.map((verb) => ({
      verb,
      group: p.group,
      resource: p.resource,
      ...(p.subresource === undefined ? {} : { subresource: p.subresource }),
      namespace,
    })),
  );
}

/**
 * Every verb of RUNTIME_PERMISSIONS, in the namespace; with team namespaces also in a team
 * namespace, and TEAM_NAMESPACE_PERMISSIONS (namespaces cluster-wide, quotas in the team namespace).
 */
export function requiredAccess(namespace: string, teamNamespaces = false): AccessAttributes[] {
  if (!teamNamespaces) return accessOf(RUNTIME_PERMISSIONS, namespace);
  const team = sampleTeamNamespace(namespace);
  return [
    ...accessOf(RUNTIME_PERMISSIONS, namespace),
    ...accessOf(RUNTIME_PERMISSIONS, team),
    ...TEAM_NAMESPACE_PERMISSIONS.flatMap((p) => accessOf([p], p.resource === "namespaces" ? "" : team)),
  ];
}

/** What the server account must not be able to do, per check. */
export function forbiddenAccess(
  namespace: string,
  teamNamespaces = false,
): Record<"cannot-nodes" | "cannot-secrets" | "cannot-cluster", AccessAttributes[]> {
  const other = namespace === "default" ? "kube-public" : "default";
  const all = {
    "cannot-nodes": [
      { verb: "delete", group: "", resource: "nodes", namespace: "" },
      { verb: "list", group: "", resource: "nodes", namespace: "" },
      { verb: "patch", group: "", resource: "nodes", namespace: "" },
    ],
    "cannot-secrets": [
      { verb: "get", group: "", resource: "secrets", namespace: "kube-system" },
      { verb: "list", group: "", resource: "secrets", namespace: "kube-system" },
      { verb: "list", group: "", resource: "secrets", namespace: other },
      { verb: "get", group: "", resource: "secrets", namespace },
      { verb: "list", group: "", resource: "secrets", namespace },
    ],
    "cannot-cluster": [
      { verb: "list", group: "", resource: "namespaces", namespace: "" },
      { verb: "create", group: "batch", resource: "jobs", namespace: other },
      { verb: "list", group: "", resource: "pods", namespace: "kube-system" },
      { verb: "create", group: "", resource: "pods", subresource: "exec", namespace: other },
      { verb: "create", group: "", resource: "pods", namespace },
      { verb: "create", group: "rbac.authorization.k8s.io", resource: "roles", namespace },
      { verb: "create", group: "rbac.authorization.k8s.io", resource: "rolebindings", namespace },
      { verb: "create", group: "rbac.authorization.k8s.io", resource: "clusterrolebindings", namespace: "" },
      { verb: "create", group: "", resource: "serviceaccounts", subresource: "token", namespace },
    ],
  };
  if (!teamNamespaces) return all;
  // Team namespaces: listing namespaces and the runtime's verbs elsewhere are what it is for.
  const granted = new Set(
    requiredAccess(namespace, true).map((a) => `${a.group}/${a.resource}/${a.subresource ?? ""}:${a.verb}`),
  );
  return {
    ...all,
    "cannot-cluster": all["cannot-cluster"].filter(
      (a) => !granted.has(`${a.group}/${a.resource}/${a.subresource ?? ""}:${a.verb}`),
    ),
  };
}

/** `group/resource[/sub]:verb` keys, for set comparisons of RBAC rules. */
export function permissionKeys(rules: readonly V1PolicyRule[]): Set<string> {
  const keys = new Set<string>();
  for (const rule of rules) {
    if ((rule.nonResourceURLs ?? []).length > 0) for (const url of rule.nonResourceURLs ?? []) keys.add(`url:${url}`);
    for (const group of rule.apiGroups ?? [])
      for (const resource of rule.resources ?? [])
        for (const verb of rule.verbs) keys.add(`${group}/${resource}:${verb}`);
  }
  return keys;
}

export function requiredKeys(teamNamespaces = false): Set<string> {
  return new Set(
    [...RUNTIME_PERMISSIONS, ...(teamNamespaces ? TEAM_NAMESPACE_PERMISSIONS : [])].flatMap((p) =>
      p.verbs.map(
        (verb) => `${p.group}/${p.resource}${p.subresource === undefined ? "" : `/${p.subresource}`}:${verb}`,
      ),
    ),
  );
}

/**
 * Granted rules against RUNTIME_PERMISSIONS: what is missing and what is more than the
 * runtime uses (wildcards and resourceNames-free extras included).
 */
export function compareRules(
  rules: readonly V1PolicyRule[],
  teamNamespaces = false,
): { missing: string[]; extra: string[] } {
  const granted = permissionKeys(rules);
  const required = requiredKeys(teamNamespaces);
  const covers = (key: string): boolean => {
    if (granted.has(key)) return true;
    const [groupResource = "", verb = ""] = key.split(":");
    const [group = "", ...resource] = groupResource.split("/");
    const res = resource.join("/");
    return [...granted].some((g) => {
      const [gr = "", gv = ""] = g.split(":");
      const [gg = "", ...grs] = gr.split("/");
      const gres = grs.join("/");
      return (gg === "*" || gg === group) && (gres === "*" || gres === res) && (gv === "*" || gv === verb);
    });
  };
  return {
    missing: [...required].filter((k) => !covers(k)).sort(),
    extra: [...granted].filter((k) => !required.has(k)).sort(),
  };
}

export interface ExpectedSandbox {
  limits: { cpu: string; memory: string };
  requests: { cpu: string; memory: string };
  ttlSecondsAfterFinished: number;
  serviceAccountName: string;
}

/** What is wrong with the sandbox's Job and pod as the cluster holds them; [] when all is right. */
export function sandboxProblems(job: V1Job | undefined, pod: V1Pod | undefined, expected: ExpectedSandbox): string[] {
  const problems: string[] = [];
  if (job === undefined) return ["the sandbox's Job is not listed"];
  if (pod === undefined) return ["the sandbox's pod is not listed"];
  if (job.spec?.backoffLimit !== 0) problems.push(`Job backoffLimit is ${job.spec?.backoffLimit}, expected 0`);
  if (job.spec?.ttlSecondsAfterFinished !== expected.ttlSecondsAfterFinished)
    problems.push(
      `Job ttlSecondsAfterFinished is ${job.spec?.ttlSecondsAfterFinished}, expected ${expected.ttlSecondsAfterFinished}`,
    );
  if (job.spec?.activeDeadlineSeconds === undefined) problems.push("Job has no activeDeadlineSeconds (sandbox TTL)");
  const container = pod.spec?.containers[0];
  const resources = container?.resources;
  for (const kind of ["limits", "requests"] as const) {
    for (const name of ["cpu", "memory"] as const) {
      const actual = resources?.[kind]?.[name];
      if (actual !== expected[kind][name])
        problems.push(`pod ${kind}.${name} is ${actual ?? "unset"}, expected ${expected[kind][name]}`);
    }
  }
  const podContext = pod.spec?.securityContext;
  const context = container?.securityContext;
  if (podContext?.runAsNonRoot !== true && context?.runAsNonRoot !== true) problems.push("pod may run as root");
  if (context?.allowPrivilegeEscalation !== false) problems.push("allowPrivilegeEscalation is not false");
  if (!(context?.capabilities?.drop ?? []).includes("ALL")) problems.push("capabilities do not drop ALL");
  const seccomp = context?.seccompProfile?.type ?? podContext?.seccompProfile?.type;
  if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
    problems.push(`seccomp profile is ${seccomp ?? "unset"}`);
  if (pod.spec?.automountServiceAccountToken !== false) problems.push("the pod mounts a ServiceAccount token");
  if (pod.spec?.serviceAccountName !== expected.serviceAccountName)
    problems.push(
      `pod runs as ServiceAccount ${pod.spec?.serviceAccountName}, expected ${expected.serviceAccountName}`,
    );
  return problems;
}

/** Exit code of the command: 0 when nothing failed (skips alone do not fail it). */
export function verifyExitCode(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === "fail") ? 1 : 0;
}
