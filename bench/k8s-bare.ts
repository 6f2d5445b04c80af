/**
 * The bare mechanism for "50 sandboxes at once" on Kubernetes: the same Job manifests c8s
 * builds (pure `buildJob`), all POSTed at once, and one watch on the namespace timing when
 * each pod turns Ready. What c8s adds on top (a watch per sandbox, its NetworkPolicy, the
 * engine and store, KWOK's workdir exec) is the difference.
 */
import { randomBytes } from "node:crypto";
import { BatchV1Api, CoreV1Api, type KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { defaultSpec } from "../src/runtimes/conformance/helpers.ts";
import { buildJob, DEFAULT_SANDBOX_DEFAULTS, ownerSelector } from "../src/runtimes/kubernetes/manifests.ts";
import { isPodReady, podsPath, watchUntil } from "../src/runtimes/kubernetes/watch.ts";

const OWNER = "c8s-bench-bare";

/** Per-pod ms from the start until Ready, and the wall time until all were. */
export async function bareJobBurst(
  kc: KubeConfig,
  namespace: string,
  count: number,
): Promise<{ readyMs: number[]; wallMs: number }> {
  const batch = kc.makeApiClient(BatchV1Api);
  const started = performance.now();
  const readyAt = new Map<string, number>();
  const watching = watchUntil<V1Pod, true>(
    kc,
    podsPath(namespace),
    { labelSelector: ownerSelector(OWNER) },
    ({ object }) => {
      const name = object.metadata?.name ?? "";
      if (isPodReady(object) && !readyAt.has(name)) readyAt.set(name, performance.now() - started);
      return readyAt.size >= count ? true : undefined;
    },
    AbortSignal.timeout(120_000),
  );
  await Promise.all(
    Array.from({ length: count }, () => {
      const spec = defaultSpec({ id: `sbx_bare_${randomBytes(6).toString("hex")}`, owner: OWNER });
      return batch.createNamespacedJob({ namespace, body: buildJob(spec, namespace, DEFAULT_SANDBOX_DEFAULTS) });
    }),
  );
  await watching;
  const wallMs = performance.now() - started;
  await batch.deleteCollectionNamespacedJob({
    namespace,
    labelSelector: ownerSelector(OWNER),
    propagationPolicy: "Background",
    gracePeriodSeconds: 0,
  });
  await kc
    .makeApiClient(CoreV1Api)
    .deleteCollectionNamespacedPod({ namespace, labelSelector: ownerSelector(OWNER), gracePeriodSeconds: 0 });
  return { readyMs: [...readyAt.values()], wallMs };
}
