/**
 * Waiting on Kubernetes objects with watches (never polling loops): a sandbox's pod becoming
 * Ready, its Job ending, its pod disappearing. A watch the server closes early is reopened.
 */
import { CoreV1Api, Watch, type KubeConfig, type V1Job, type V1Pod } from "@kubernetes/client-node";

export type WatchEvent<T> = { type: string; object: T };

/**
 * Watches `path` until `decide` returns a value (resolve) or throws (reject), or the signal
 * aborts. A watch without resourceVersion first replays the current objects as ADDED, so
 * nothing that happened before the watch started is missed.
 */
export async function watchUntil<T, R>(
  kubeConfig: KubeConfig,
  path: string,
  query: Record<string, string>,
  decide: (event: WatchEvent<T>) => R | undefined,
  signal: AbortSignal,
): Promise<R> {
  const watch = new Watch(kubeConfig);
  return await new Promise<R>((resolve, reject) => {
    let settled = false;
    let controller: AbortController | undefined;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      controller?.abort();
      action();
    };
    const onAbort = (): void => settle(() => reject(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    const open = (): void => {
      if (settled) return;
      watch
        .watch(
          path,
          query,
          (type, object: T) => {
            if (settled) return;
            try {
              const value = decide({ type, object });
              if (value !== undefined) settle(() => resolve(value));
            } catch (error) {
              settle(() => reject(error));
            }
          },
          (error: unknown) => {
            if (settled) return;
            if (error !== null && error !== undefined && !isAbort(error)) {
              settle(() => reject(error));
              return;
            }
            // The server ended the watch (timeout): reopen it.
            setTimeout(open, 100);
          },
        )
        .then((c) => {
          controller = c;
          if (settled) c.abort();
        })
        .catch((error: unknown) => settle(() => reject(error)));
    };
    if (signal.aborted) onAbort();
    else open();
  });
}

function isAbort(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

export function podsPath(namespace: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
}

export function jobsPath(namespace: string): string {
  return `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs`;
}

export function isPodReady(pod: V1Pod): boolean {
  return (
    pod.status?.phase === "Running" &&
    (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True")
  );
}

const IMAGE_FAILURES = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"]);

/** Why a pod will never become ready, or null while it still may. */
export function podStartFailure(pod: V1Pod): { image: boolean; message: string } | null {
  const phase = pod.status?.phase;
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting;
    if (waiting?.reason !== undefined && IMAGE_FAILURES.has(waiting.reason)) {
      return { image: true, message: `${waiting.reason}: ${waiting.message ?? status.image}` };
    }
    if (waiting?.reason === "CreateContainerConfigError" || waiting?.reason === "CreateContainerError") {
      return { image: false, message: `${waiting.reason}: ${waiting.message ?? ""}` };
    }
    const terminated = status.state?.terminated;
    if (terminated !== undefined) {
      return { image: false, message: `the container exited (${terminated.reason ?? "exit"} ${terminated.exitCode})` };
    }
  }
  if (phase === "Failed" || phase === "Succeeded") {
    return {
      image: false,
      message: `the pod ended in phase ${phase}: ${pod.status?.message ?? pod.status?.reason ?? ""}`,
    };
  }
  return null;
}

/** A readable summary of where a pod is stuck (for start timeouts). */
export function podProgress(pod: V1Pod | undefined): string {
  if (pod === undefined) return "no pod was created (check the Job's events: admission or quota may refuse it)";
  const conditions = (pod.status?.conditions ?? [])
    .filter((c) => c.status !== "True")
    .map((c) => `${c.type}=${c.status}${c.reason === undefined ? "" : ` (${c.reason}: ${c.message ?? ""})`}`);
  return `pod ${pod.metadata?.name ?? "?"} is ${pod.status?.phase ?? "Pending"}${conditions.length > 0 ? `; ${conditions.join(", ")}` : ""}`;
}

/** How a Job ended, from its conditions, or null while it runs. */
export function jobEnd(job: V1Job): { failed: boolean; reason: string; message: string } | null {
  for (const condition of job.status?.conditions ?? []) {
    if (condition.status !== "True") continue;
    if (condition.type === "Failed" || condition.type === "FailureTarget") {
      return { failed: true, reason: condition.reason ?? "Failed", message: condition.message ?? "" };
    }
    if (condition.type === "Complete" || condition.type === "SuccessCriteriaMet") {
      return { failed: false, reason: condition.reason ?? "Complete", message: condition.message ?? "" };
    }
  }
  return null;
}

/** Resolves once no pod matches the selector: a list, then a watch from its resourceVersion. */
export async function waitPodsGone(
  kubeConfig: KubeConfig,
  namespace: string,
  labelSelector: string,
  signal: AbortSignal,
): Promise<void> {
  const list = await kubeConfig.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector });
  const remaining = new Set(list.items.map((pod) => pod.metadata?.name ?? ""));
  if (remaining.size === 0) return;
  await watchUntil<V1Pod, true>(
    kubeConfig,
    podsPath(namespace),
    { labelSelector, resourceVersion: list.metadata?.resourceVersion ?? "" },
    ({ type, object }) => {
      if (type === "DELETED") remaining.delete(object.metadata?.name ?? "");
      return remaining.size === 0 ? true : undefined;
    },
    signal,
  );
}
