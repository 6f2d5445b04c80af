/**
 * Every Kubernetes permission the runtime uses, in its namespace — the source of truth for
 * deploy/kubernetes/rbac.yaml (the deploy test checks the Role grants exactly these, and
 * SubjectAccessReview confirms the server account can do each of them and nothing else).
 */
export interface RuntimePermission {
  group: string;
  resource: string;
  subresource?: string;
  verbs: string[];
  why: string;
}

export const RUNTIME_PERMISSIONS: readonly RuntimePermission[] = [
  {
    group: "batch",
    resource: "jobs",
    verbs: ["create", "delete", "list", "watch"],
    why: "a sandbox is a Job; list for orphan clean-up, watch for its end",
  },
  {
    group: "",
    resource: "pods",
    verbs: ["list", "watch", "deletecollection"],
    why: "readiness from a pod watch; destroy removes the pod at once",
  },
  {
    group: "",
    resource: "pods",
    subresource: "exec",
    verbs: ["create", "get"],
    why: "exec over WebSocket (create since Kubernetes 1.31, get before)",
  },
  { group: "", resource: "pods", subresource: "log", verbs: ["get"], why: "sandbox logs" },
  {
    group: "networking.k8s.io",
    resource: "networkpolicies",
    verbs: ["create", "delete"],
    why: "egress denied per sandbox",
  },
  { group: "", resource: "persistentvolumeclaims", verbs: ["create", "delete"], why: "optional persistent workspaces" },
];

/**
 * With C8S_KUBERNETES_NAMESPACE_PER_TEAM, on top of RUNTIME_PERMISSIONS: cluster-scoped
 * (a ClusterRole and ClusterRoleBinding, deploy/helm/c8s `teamNamespaces: true`), because
 * team namespaces are made at run time and RBAC cannot scope a grant by namespace label.
 * The ClusterRole also holds RUNTIME_PERMISSIONS, for the sandboxes in those namespaces.
 */
export const TEAM_NAMESPACE_PERMISSIONS: readonly RuntimePermission[] = [
  {
    group: "",
    resource: "namespaces",
    verbs: ["create", "get", "list", "update"],
    why: "a team's namespace is made at its first sandbox, its labels kept, and listed for orphan clean-up",
  },
  {
    group: "",
    resource: "resourcequotas",
    verbs: ["create", "get", "update", "delete"],
    why: "the team's quotas as a ResourceQuota in its namespace",
  },
  {
    group: "",
    resource: "limitranges",
    verbs: ["create", "get", "update"],
    why: "the default sandbox limits as a LimitRange in the team's namespace",
  },
];
