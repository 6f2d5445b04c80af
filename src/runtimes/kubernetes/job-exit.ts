/**
 * How a sandbox's Job ended, from a list then a watch of that one Job (never polling): `ttl`
 * when activeDeadlineSeconds fired, `oom` when its container was OOMKilled, `disk` when the
 * kubelet evicted its pod for going past its ephemeral-storage or emptyDir limit, `killed` when c8s
 * destroyed it, `error` for anything else (deleted behind c8s's back, pod failure).
 */
import { BatchV1Api, CoreV1Api, type KubeConfig, type V1Job, type V1Pod } from "@kubernetes/client-node";
import type { SandboxExit } from "../types.ts";
import { jobEnd, jobsPath, watchUntil } from "./watch.ts";

type Ending = { kind: "gone" } | { kind: "end"; failed: boolean; reason: string; message: string };

function endingOf(type: string, job: V1Job): Ending | undefined {
  if (type === "DELETED") return { kind: "gone" };
  const end = jobEnd(job);
  return end === null ? undefined : { kind: "end", ...end };
}

/** True when a container of the pods was killed for memory. */
export function wasOomKilled(pods: V1Pod[]): boolean {
  return pods.some((pod) =>
    (pod.status?.containerStatuses ?? []).some(
      (s) => s.state?.terminated?.reason === "OOMKilled" || s.lastState?.terminated?.reason === "OOMKilled",
    ),
  );
}

/**
 * The kubelet's message when it evicted a pod for its own disk use (an emptyDir past its
 * sizeLimit, or the pod past its ephemeral-storage limit); null otherwise. Evictions because
 * the node itself ran low are not the sandbox's quota and stay `error`.
 */
export function diskEviction(pods: V1Pod[]): string | null {
  for (const pod of pods) {
    const message = pod.status?.message ?? "";
    if (pod.status?.reason === "Evicted" && /ephemeral|emptydir/i.test(message) && !/node was low/i.test(message))
      return message.trim();
  }
  return null;
}

export async function waitJobExit(options: {
  kubeConfig: KubeConfig;
  namespace: string;
  job: string;
  podSelector: string;
  /** True once c8s destroyed the sandbox: a deleted Job then means `killed`. */
  destroyed: () => boolean;
  signal: AbortSignal;
}): Promise<SandboxExit> {
  const { kubeConfig, namespace, job } = options;
  const fieldSelector = `metadata.name=${job}`;
  const list = await kubeConfig.makeApiClient(BatchV1Api).listNamespacedJob({ namespace, fieldSelector });
  const current = list.items[0];
  const ending =
    current === undefined
      ? ({ kind: "gone" } as const)
      : (endingOf("ADDED", current) ??
        (await watchUntil<V1Job, Ending>(
          kubeConfig,
          jobsPath(namespace),
          { fieldSelector, resourceVersion: list.metadata?.resourceVersion ?? "" },
          ({ type, object }) => endingOf(type, object),
          options.signal,
        )));
  if (ending.kind === "gone") {
    return options.destroyed() ? { reason: "killed" } : { reason: "error", message: "the Job was deleted outside c8s" };
  }
  if (ending.reason === "DeadlineExceeded") return { reason: "ttl", message: ending.message };
  if (!ending.failed) return { reason: "exit", message: ending.reason };
  const pods = await kubeConfig
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace, labelSelector: options.podSelector })
    .catch(() => ({ items: [] as V1Pod[] }));
  if (wasOomKilled(pods.items)) return { reason: "oom", message: "the sandbox's memory limit was hit" };
  const evicted = diskEviction(pods.items);
  if (evicted !== null) return { reason: "disk", message: `the sandbox went past its disk quota: ${evicted}` };
  return { reason: "error", message: `${ending.reason}: ${ending.message}` };
}
