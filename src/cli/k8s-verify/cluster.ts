/**
 * `c8s k8s verify`'s reads of the cluster: who we check (a ServiceAccount's token from
 * TokenRequest, or the current identity), access reviews, and the RBAC bound to an account.
 * Thin wrappers over @kubernetes/client-node; the judgements are in checks.ts.
 */
import {
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  type V1PolicyRule,
  type V1ResourceAttributes,
} from "@kubernetes/client-node";
import { C8sError } from "../../errors/index.ts";
import type { AccessAttributes, VerifyIdentity } from "./checks.ts";

/**
 * A kubeconfig that authenticates as `namespace:name` with a short-lived token from the
 * TokenRequest API (needs `create serviceaccounts/token` there: an admin's kubeconfig).
 */
export async function kubeConfigForServiceAccount(
  admin: KubeConfig,
  account: { namespace: string; name: string },
  expirationSeconds = 600,
): Promise<KubeConfig> {
  const core = admin.makeApiClient(CoreV1Api);
  const token = await core.createNamespacedServiceAccountToken({
    name: account.name,
    namespace: account.namespace,
    body: { spec: { audiences: [], expirationSeconds } },
  });
  const cluster = admin.getCurrentCluster();
  const value = token.status?.token;
  if (cluster === null || value === undefined || value === "") {
    throw new C8sError(
      "RUNTIME_UNAVAILABLE",
      `no token issued for ServiceAccount ${account.namespace}:${account.name}`,
      {
        hint: "The TokenRequest API must be enabled and the kubeconfig allowed to create serviceaccounts/token.",
      },
    );
  }
  const user = `${account.namespace}-${account.name}`;
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, token: value }],
    contexts: [{ name: user, cluster: cluster.name, user, namespace: account.namespace }],
    currentContext: user,
  });
  return config;
}

function resourceAttributes(a: AccessAttributes): V1ResourceAttributes {
  return {
    verb: a.verb,
    group: a.group,
    resource: a.resource,
    namespace: a.namespace,
    ...(a.subresource === undefined ? {} : { subresource: a.subresource }),
  };
}

/** Whether the identity may do `a`: SubjectAccessReview for an account, SelfSubjectAccessReview otherwise. */
export async function allowed(kubeConfig: KubeConfig, identity: VerifyIdentity, a: AccessAttributes): Promise<boolean> {
  const api = kubeConfig.makeApiClient(AuthorizationV1Api);
  if (identity.kind === "self") {
    const review = await api.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: resourceAttributes(a) } },
    });
    return review.status?.allowed === true;
  }
  const review = await api.createSubjectAccessReview({
    body: {
      spec: {
        user: `system:serviceaccount:${identity.namespace}:${identity.name}`,
        groups: ["system:serviceaccounts", `system:serviceaccounts:${identity.namespace}`, "system:authenticated"],
        resourceAttributes: resourceAttributes(a),
      },
    },
  });
  return review.status?.allowed === true;
}

/** Splits attributes into those the identity may and may not do. */
export async function partitionAccess(
  kubeConfig: KubeConfig,
  identity: VerifyIdentity,
  attributes: readonly AccessAttributes[],
): Promise<{ allowed: AccessAttributes[]; denied: AccessAttributes[] }> {
  const answers = await Promise.all(attributes.map((a) => allowed(kubeConfig, identity, a)));
  return {
    allowed: attributes.filter((_, i) => answers[i] === true),
    denied: attributes.filter((_, i) => answers[i] !== true),
  };
}

export interface BoundRules {
  /** `RoleBinding x → Role y`, one per binding that names the account. */
  bindings: string[];
  /** ClusterRoleBindings that name the account (always too much for c8s). */
  clusterBindings: string[];
  rules: V1PolicyRule[];
}

/** Every rule bound to the ServiceAccount in its namespace, and any cluster-wide binding of it. */
export async function rulesBoundTo(
  admin: KubeConfig,
  account: { namespace: string; name: string },
): Promise<BoundRules> {
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const names = (subjects: { kind: string; name: string; namespace?: string }[] | undefined) =>
    (subjects ?? []).some(
      (s) =>
        s.kind === "ServiceAccount" &&
        s.name === account.name &&
        (s.namespace ?? account.namespace) === account.namespace,
    );
  const [bindings, clusterBindings] = await Promise.all([
    rbac.listNamespacedRoleBinding({ namespace: account.namespace }),
    rbac.listClusterRoleBinding(),
  ]);
  const result: BoundRules = { bindings: [], clusterBindings: [], rules: [] };
  for (const binding of bindings.items.filter((b) => names(b.subjects))) {
    const ref = binding.roleRef;
    const role =
      ref.kind === "Role"
        ? await rbac.readNamespacedRole({ name: ref.name, namespace: account.namespace })
        : await rbac.readClusterRole({ name: ref.name });
    result.bindings.push(`RoleBinding ${binding.metadata?.name} → ${ref.kind} ${ref.name}`);
    result.rules.push(...(role.rules ?? []));
  }
  for (const binding of clusterBindings.items.filter((b) => names(b.subjects))) {
    result.clusterBindings.push(`ClusterRoleBinding ${binding.metadata?.name} → ClusterRole ${binding.roleRef.name}`);
    const role = await rbac.readClusterRole({ name: binding.roleRef.name });
    result.rules.push(...(role.rules ?? []));
  }
  return result;
}

/** True when the cluster's nodes are KWOK's (pods simulated, exec runs on the host). */
export async function simulatedByKwok(kubeConfig: KubeConfig): Promise<boolean> {
  try {
    const nodes = await kubeConfig.makeApiClient(CoreV1Api).listNode({ limit: 20 });
    return nodes.items.some((n) => n.metadata?.annotations?.["kwok.x-k8s.io/node"] !== undefined);
  } catch {
    return false; // nodes are not ours to list: a real cluster as far as verify can tell
  }
}
