/**
 * The kubernetes runtime against a real API server (the KWOK test cluster): the shared
 * conformance suite. Pods there are simulated, so exec'd commands are local processes of the
 * node agent: the cases about container isolation cannot hold and are skipped with that reason.
 */
import { randomBytes } from "node:crypto";
import { after, test } from "node:test";
import { defaultSpec, runtimeConformance } from "../../../src/runtimes/conformance/index.ts";
import { createKubernetesRuntime } from "../../../src/runtimes/kubernetes/index.ts";
import { deleteNamespace, ensureNamespace, findTestCluster } from "../../fixtures/k8s-cluster.ts";

const probe = await findTestCluster();

if (probe.cluster === undefined) {
  void test(`kubernetes runtime conformance — skipped: ${probe.skip}`, { skip: probe.skip }, () => undefined);
} else {
  const { cluster } = probe;
  const namespace = `c8s-conf-${randomBytes(3).toString("hex")}`;
  const skip = cluster.simulated
    ? [
        {
          reason: "container isolation: pods are local processes under KWOK (simulated pods, no container engine)",
          tests: [
            "isolation: no network interface but loopback when network is off",
            "isolation: host processes are not visible",
            "isolation: writes outside the workdir and /tmp fail",
          ],
        },
        {
          reason:
            "KWOK's simulated node agent never closes an exec's stdin pipe (sigs.k8s.io/kwok pkg/utils/exec, PipeStdin), so a command cannot see EOF there; real kubelets deliver the v5 close",
          tests: ["exec: stdin is streamed in pieces and closed", "exec: binary stdin and stdout are byte-exact"],
        },
        {
          reason:
            "KWOK pods are processes of this machine: these cases count `sleep 314x` in the machine's /proc, where the local and docker conformance runs (in parallel) start the same commands; kubernetes-behaviour.test.ts checks the same kill with a unique marker",
          tests: [
            "exec: timeout kills the whole process tree, setsid and double-forked children too",
            "exec: kill() ends the exec with reason killed",
          ],
        },
        {
          reason:
            "KWOK has no kubelet and no container engine: no memory cgroup OOM-kills a simulated pod's processes, and nothing measures or evicts for ephemeral storage (a real cluster's kubelet evicts the pod: reason disk)",
          tests: [
            "exec: a memory hog under `sh -c` is reported as oom",
            "disk: writing past diskBytes in the workspace fails with ENOSPC or ends the sandbox with reason disk",
            "disk: writing past diskBytes in /tmp fails with ENOSPC or ends the sandbox with reason disk",
          ],
        },
      ]
    : [];
  runtimeConformance({
    name: cluster.simulated ? "kubernetes (KWOK test cluster)" : "kubernetes",
    makeRuntime: async () => {
      await ensureNamespace(cluster.kubeConfig, namespace, { "pod-security.kubernetes.io/enforce": "restricted" });
      return createKubernetesRuntime({
        kubeconfig: cluster.kubeConfig,
        namespace,
        owner: "c8s-conformance",
        ...(cluster.simulated ? { prepareWorkdir: true } : {}),
      });
    },
    // KWOK pods have no filesystem of their own: each sandbox gets its own workdir on the node
    // (outside /tmp, so that `..` out of it is outside the sandbox as it is in a real pod).
    makeSpec: (overrides) => {
      const spec = defaultSpec(overrides);
      return cluster.simulated && overrides.workdir === undefined
        ? { ...spec, workdir: `/var/tmp/c8s-kwok/${spec.id}/workspace` }
        : spec;
    },
    skip,
    ...(cluster.simulated
      ? {
          simulatedNetwork:
            "KWOK pods have made-up IPs and share the node's network: no group can be reached or kept apart",
        }
      : {}),
  });
  after(() => deleteNamespace(cluster.kubeConfig, namespace));
}
