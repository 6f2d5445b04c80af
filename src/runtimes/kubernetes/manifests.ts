/**
 * Pure builders for the Kubernetes objects behind one sandbox: a Job with one pod, a
 * NetworkPolicy, an optional workspace PersistentVolumeClaim. No I/O here: the runtime
 * sends what these return. Table-tested in test/unit/runtimes/kubernetes-manifests.test.ts.
 */
import { createHash } from "node:crypto";
import type { V1Job, V1NetworkPolicy, V1PersistentVolumeClaim, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import { C8sError } from "../../errors/index.ts";
import type { SandboxSpec } from "../types.ts";

export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "c8s";
export const SANDBOX_LABEL = "c8s.dev/sandbox";
export const OWNER_LABEL = "c8s.dev/owner";
export const NETWORK_GROUP_LABEL = "c8s.dev/network-group";
/**
 * On pods of sandboxes that asked for the network (`host`): the chart's namespace default-deny
 * NetworkPolicy has an allow for this label (deploy/helm/c8s/templates/networkpolicy.yaml).
 */
export const NETWORK_LABEL = "c8s.dev/network";
export const OWNER_ANNOTATION = "c8s.dev/owner";
export const SANDBOX_ANNOTATION = "c8s.dev/sandbox-id";
export const CONTAINER_NAME = "sandbox";
/** The non-root user sandbox processes run as (Pod Security `restricted`). */
export const SANDBOX_UID = 1000;

export interface KubernetesSandboxDefaults {
  /** Image used when the spec names none. */
  image: string;
  /**
   * Requests; capped at the sandbox's limits. Seed 000: 500m / 512Mi. Ephemeral storage
   * defaults to no request (the scheduler then ignores it, as before limits existed): set one
   * where nodes report `ephemeral-storage` and pods should be spread by disk.
   */
  requests: { cpuMillis: number; memoryBytes: number; ephemeralStorageBytes?: number | undefined };
  /** Upper bound of the Job's lifetime (activeDeadlineSeconds), from the sandbox TTL. */
  activeDeadlineSeconds: number;
  /** Finished Jobs are garbage-collected after this long. Seed 000: 60. */
  ttlSecondsAfterFinished: number;
  /** gVisor (`gvisor`/`runsc`), Kata, …; unset = the cluster default. */
  runtimeClassName?: string | undefined;
  /** ServiceAccount sandbox pods run as (its token is never mounted). */
  serviceAccountName?: string | undefined;
  /** When set, the workspace is a PersistentVolumeClaim of this size instead of an emptyDir. */
  persistentWorkspace?: { size: string; storageClassName?: string | undefined } | undefined;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never" | undefined;
}

export const DEFAULT_SANDBOX_DEFAULTS: KubernetesSandboxDefaults = {
  image: "docker.io/library/busybox:1.36",
  requests: { cpuMillis: 500, memoryBytes: 512 * 1024 * 1024 },
  activeDeadlineSeconds: 2 * 60 * 60,
  ttlSecondsAfterFinished: 60,
};

/** The names of every object of one sandbox. */
export interface SandboxObjectNames {
  job: string;
  networkPolicy: string;
  pvc: string;
}

const DNS_LABEL_MAX = 63;

/** A DNS-1123 label derived from the sandbox id: `sbx_01H…` → `c8s-sbx-01h…`. */
export function objectNamesFor(sandboxId: string): SandboxObjectNames {
  let base = `c8s-${sandboxId.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`.replace(/-+$/g, "");
  // Leave room for the "-net"/"-ws" suffixes; keep names unique with a hash when cut.
  if (base.length > DNS_LABEL_MAX - 4)
    base = `${base.slice(0, DNS_LABEL_MAX - 4 - 11).replace(/-+$/, "")}-${shortHash(sandboxId)}`;
  return { job: base, networkPolicy: `${base}-net`, pvc: `${base}-ws` };
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A valid label value for any string: itself when valid, else a readable prefix plus a hash. */
export function labelValue(value: string): string {
  if (value.length <= DNS_LABEL_MAX && LABEL_VALUE.test(value)) return value;
  const cleaned = value.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  return `${cleaned.slice(0, DNS_LABEL_MAX - 11).replace(/[^A-Za-z0-9]+$/, "")}-${shortHash(value)}`.replace(/^-/, "");
}

function shortHash(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 10);
}

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** The labels every object of a sandbox carries; `listOwned` selects on them. */
export function sandboxLabels(spec: Pick<SandboxSpec, "id" | "owner" | "labels">): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.labels)) {
    if (!LABEL_KEY.test(key) || !LABEL_VALUE.test(value) || value.length > DNS_LABEL_MAX) {
      throw new C8sError("INVALID_ARGUMENT", `label ${key}=${value} is not a valid Kubernetes label`, {
        details: { key, value },
        hint: "Use keys like `team` or `example.com/team` and values of at most 63 letters, digits, '-', '_' or '.'.",
      });
    }
    labels[key] = value;
  }
  labels[MANAGED_BY_LABEL] = MANAGED_BY;
  labels[OWNER_LABEL] = labelValue(spec.owner);
  labels[SANDBOX_LABEL] = labelValue(spec.id);
  return labels;
}

export function ownerSelector(owner: string): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY},${OWNER_LABEL}=${labelValue(owner)}`;
}

export function sandboxSelector(sandboxId: string): string {
  return `${SANDBOX_LABEL}=${labelValue(sandboxId)}`;
}

/** Kubernetes quantities: millicores → `500m`, bytes → `512Mi` when exact, else bytes. */
export function cpuQuantity(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

export function memoryQuantity(bytes: number): string {
  for (const [unit, size] of [
    ["Gi", 1024 ** 3],
    ["Mi", 1024 ** 2],
    ["Ki", 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** The pod's PID 1: waits for TERM and exits 0, so deleting the pod is quick and clean. */
export const KEEPALIVE_COMMAND = ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];

export function buildJob(spec: SandboxSpec, namespace: string, defaults: KubernetesSandboxDefaults): V1Job {
  const names = objectNamesFor(spec.id);
  const labels = sandboxLabels(spec);
  const annotations = { [OWNER_ANNOTATION]: spec.owner, [SANDBOX_ANNOTATION]: spec.id };
  const podLabels: Record<string, string> = { ...labels };
  if (spec.network.mode === "group") podLabels[NETWORK_GROUP_LABEL] = labelValue(spec.network.group);
  if (spec.network.mode === "host") podLabels[NETWORK_LABEL] = "host";
  // The workspace and /tmp emptyDirs may each hold diskBytes (sizeLimit); the pod's ephemeral
  // storage (both, plus the container's writable layer and logs) is capped at twice that.
  const ephemeralLimit = 2 * spec.limits.diskBytes;
  const requests = {
    cpu: cpuQuantity(Math.min(defaults.requests.cpuMillis, spec.limits.cpuMillis)),
    memory: memoryQuantity(Math.min(defaults.requests.memoryBytes, spec.limits.memoryBytes)),
    // Explicit even when 0: with a limit alone, Kubernetes would request the whole limit.
    "ephemeral-storage": memoryQuantity(Math.min(defaults.requests.ephemeralStorageBytes ?? 0, ephemeralLimit)),
  };
  const limits = {
    cpu: cpuQuantity(spec.limits.cpuMillis),
    memory: memoryQuantity(spec.limits.memoryBytes),
    "ephemeral-storage": memoryQuantity(ephemeralLimit),
  };
  const { volumes, mounts } = buildVolumes(spec, names, defaults);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: names.job, namespace, labels, annotations },
    spec: {
      backoffLimit: 0,
      completions: 1,
      parallelism: 1,
      ttlSecondsAfterFinished: defaults.ttlSecondsAfterFinished,
      activeDeadlineSeconds: defaults.activeDeadlineSeconds,
      template: {
        metadata: { labels: podLabels, annotations },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 5,
          ...(defaults.serviceAccountName === undefined ? {} : { serviceAccountName: defaults.serviceAccountName }),
          ...(defaults.runtimeClassName === undefined ? {} : { runtimeClassName: defaults.runtimeClassName }),
          ...(spec.hostname === undefined ? {} : { hostname: labelValue(spec.hostname.toLowerCase()).toLowerCase() }),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: SANDBOX_UID,
            runAsGroup: SANDBOX_UID,
            fsGroup: SANDBOX_UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: CONTAINER_NAME,
              image: spec.image ?? defaults.image,
              ...(defaults.imagePullPolicy === undefined ? {} : { imagePullPolicy: defaults.imagePullPolicy }),
              command: KEEPALIVE_COMMAND,
              workingDir: spec.workdir,
              env: Object.entries(spec.env).map(([name, value]) => ({ name, value })),
              resources: { requests, limits },
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                privileged: false,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
              },
              volumeMounts: mounts,
            },
          ],
          volumes,
        },
      },
    },
  };
}

function buildVolumes(
  spec: SandboxSpec,
  names: SandboxObjectNames,
  defaults: KubernetesSandboxDefaults,
): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  if (!(Number.isInteger(spec.limits.diskBytes) && spec.limits.diskBytes > 0))
    throw new C8sError("INVALID_ARGUMENT", "Sandbox limits.diskBytes must be a positive integer.", {
      details: { diskBytes: spec.limits.diskBytes },
      hint: "Set limits.diskBytes to the quota in bytes, e.g. 1073741824.",
    });
  // Past sizeLimit the kubelet evicts the pod (reason `disk`); a write is not refused with ENOSPC.
  const emptyDir = { sizeLimit: memoryQuantity(spec.limits.diskBytes) };
  const volumes: V1Volume[] = [
    defaults.persistentWorkspace === undefined
      ? { name: "workspace", emptyDir }
      : { name: "workspace", persistentVolumeClaim: { claimName: names.pvc } },
    { name: "tmp", emptyDir },
  ];
  const mounts: V1VolumeMount[] = [
    { name: "workspace", mountPath: spec.workdir },
    { name: "tmp", mountPath: "/tmp" },
  ];
  spec.mounts.forEach((mount, index) => {
    const name = `mount-${index}`;
    volumes.push({ name, persistentVolumeClaim: { claimName: mount.source, readOnly: mount.readOnly } });
    mounts.push({ name, mountPath: mount.target, readOnly: mount.readOnly });
  });
  return { volumes, mounts };
}

/**
 * Network isolation. `none`: deny all ingress and egress. `group`: only to and from pods of
 * the same group, plus DNS. `host`: no policy (full network, explicit opt-in) → null.
 */
export function buildNetworkPolicy(spec: SandboxSpec, namespace: string): V1NetworkPolicy | null {
  if (spec.network.mode === "host") return null;
  const names = objectNamesFor(spec.id);
  const metadata = {
    name: names.networkPolicy,
    namespace,
    labels: sandboxLabels(spec),
    annotations: { [OWNER_ANNOTATION]: spec.owner, [SANDBOX_ANNOTATION]: spec.id },
  };
  const podSelector = { matchLabels: { [SANDBOX_LABEL]: labelValue(spec.id) } };
  if (spec.network.mode === "none") {
    return {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata,
      spec: { podSelector, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] },
    };
  }
  const peers = [{ podSelector: { matchLabels: { [NETWORK_GROUP_LABEL]: labelValue(spec.network.group) } } }];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata,
    spec: {
      podSelector,
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ _from: peers }],
      egress: [
        { to: peers },
        {
          to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    },
  };
}

export function buildWorkspaceClaim(
  spec: SandboxSpec,
  namespace: string,
  defaults: KubernetesSandboxDefaults,
): V1PersistentVolumeClaim | null {
  const persistent = defaults.persistentWorkspace;
  if (persistent === undefined) return null;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: objectNamesFor(spec.id).pvc,
      namespace,
      labels: sandboxLabels(spec),
      annotations: { [OWNER_ANNOTATION]: spec.owner, [SANDBOX_ANNOTATION]: spec.id },
    },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: persistent.size } },
      ...(persistent.storageClassName === undefined ? {} : { storageClassName: persistent.storageClassName }),
    },
  };
}

/** The spec as a KWOK pod sees it: its workdir under the per-sandbox root (see simulatedWorkdirRoot). */
export function withSimulatedWorkdir(spec: SandboxSpec, root: string | undefined): SandboxSpec {
  if (root === undefined) return spec;
  return { ...spec, workdir: `${root.replace(/\/+$/, "")}/${spec.id}/${spec.workdir.replace(/^\/+/, "")}` };
}
