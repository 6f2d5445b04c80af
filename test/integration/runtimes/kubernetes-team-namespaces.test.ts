/**
 * Team namespaces (C8S_KUBERNETES_NAMESPACE_PER_TEAM) against the real API server: each team's
 * sandboxes land in `<base>-<team>`, made with a ResourceQuota of the team's quotas and a
 * LimitRange of the default limits; exec, listOwned and destroy find them there; with the
 * option off a team's sandbox stays in the configured namespace.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { BatchV1Api, CoreV1Api } from "@kubernetes/client-node";
import { defaultSpec } from "../../../src/runtimes/conformance/index.ts";
import { createKubernetesRuntime, type KubernetesRuntimeOptions } from "../../../src/runtimes/kubernetes/index.ts";
import { teamNamespaceName } from "../../../src/runtimes/kubernetes/team-namespace.ts";
import type { Runtime, SandboxSpec, SandboxTeam } from "../../../src/runtimes/types.ts";
import { deleteNamespace, ensureNamespace, findTestCluster } from "../../fixtures/k8s-cluster.ts";

const probe = await findTestCluster();

if (probe.cluster === undefined) {
  void test(`kubernetes team namespaces — skipped: ${probe.skip}`, { skip: probe.skip }, () => undefined);
} else {
  const { kubeConfig, simulated } = probe.cluster;
  const base = `c8s-tns-${randomBytes(3).toString("hex")}`;
  const owner = `c8s-tns-${randomBytes(3).toString("hex")}`;
  const defaultLimits = { cpuMillis: 750, memoryBytes: 256 * 1024 ** 2 };
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const runtimes: Runtime[] = [];
  const made = new Set<string>([base]);
  const make = (extra: Partial<KubernetesRuntimeOptions> = {}): Runtime => {
    const runtime = createKubernetesRuntime({
      kubeconfig: kubeConfig,
      namespace: base,
      owner,
      prepareWorkdir: simulated,
      teamNamespaces: { defaultLimits },
      ...extra,
    });
    runtimes.push(runtime);
    return runtime;
  };
  const none = { maxSandboxes: null, maxMemoryBytes: null, maxCpuMillis: null };
  const teamOf = (id: string, quotas: Partial<SandboxTeam["quotas"]> = {}): SandboxTeam => {
    made.add(teamNamespaceName(base, id));
    return { id, quotas: { ...none, ...quotas } };
  };
  const spec = (team: SandboxTeam | undefined): SandboxSpec => {
    const s = defaultSpec({ owner, ...(team === undefined ? {} : { team }) });
    return simulated ? { ...s, workdir: `/var/tmp/c8s-kwok/${s.id}/workspace` } : s;
  };
  const jobsOf = async (namespace: string, id: string) =>
    (await batch.listNamespacedJob({ namespace, labelSelector: `c8s.dev/sandbox=${id}` })).items.filter(
      (j) => j.metadata?.deletionTimestamp === undefined,
    );

  void describe("kubernetes team namespaces", { timeout: 120_000 }, () => {
    before(async () => {
      await ensureNamespace(kubeConfig, base, { "pod-security.kubernetes.io/enforce": "restricted" });
    });
    after(async () => {
      for (const runtime of runtimes) await runtime.close();
      for (const name of made) await deleteNamespace(kubeConfig, name);
    });

    void test("two teams' sandboxes run in their own namespaces with a matching ResourceQuota and LimitRange", async () => {
      const runtime = make();
      const alpha = teamOf("alpha", { maxSandboxes: 3, maxMemoryBytes: 2 * 1024 ** 3, maxCpuMillis: 4000 });
      const beta = teamOf("Beta_Team", { maxSandboxes: 2 });
      const [a, b] = [spec(alpha), spec(beta)];
      const [ha, hb] = await Promise.all([runtime.create(a), runtime.create(b)]);
      const alphaNs = `${base}-alpha`;
      const betaNs = teamNamespaceName(base, "Beta_Team");
      assert.match(betaNs, new RegExp(`^${base}-beta-team-[0-9a-f]{8}$`));
      assert.equal(ha.ref["namespace"], alphaNs);
      assert.equal(hb.ref["namespace"], betaNs);
      assert.equal((await jobsOf(alphaNs, a.id)).length, 1);
      assert.equal((await jobsOf(betaNs, b.id)).length, 1);
      assert.equal((await jobsOf(base, a.id)).length, 0);

      const ns = await core.readNamespace({ name: betaNs });
      assert.equal(ns.metadata?.labels?.["c8s.dev/team"], "Beta_Team");
      assert.equal(ns.metadata?.labels?.["app.kubernetes.io/managed-by"], "c8s");
      assert.equal(ns.metadata?.labels?.["pod-security.kubernetes.io/enforce"], "restricted");

      const alphaQuota = await core.readNamespacedResourceQuota({ name: "c8s-team-quota", namespace: alphaNs });
      assert.deepEqual(alphaQuota.spec?.hard, {
        pods: "3",
        "limits.memory": "2Gi",
        "requests.memory": "2Gi",
        "limits.cpu": "4",
        "requests.cpu": "4",
      });
      const betaQuota = await core.readNamespacedResourceQuota({ name: "c8s-team-quota", namespace: betaNs });
      assert.deepEqual(betaQuota.spec?.hard, { pods: "2" });
      for (const namespace of [alphaNs, betaNs]) {
        const range = await core.readNamespacedLimitRange({ name: "c8s-team-defaults", namespace });
        assert.deepEqual(range.spec?.limits[0]?._default, { cpu: "750m", memory: "256Mi" });
        assert.deepEqual(range.spec?.limits[0]?.defaultRequest, { cpu: "500m", memory: "256Mi" });
      }

      // exec and listOwned find the sandbox in its team's namespace.
      const run = await runtime.exec(ha, { command: ["echo", "in-team"] });
      assert.equal((await run.result).exitCode, 0);
      const owned = await runtime.listOwned(owner);
      assert.deepEqual(
        owned.map((o) => [o.id, o.handle.ref["namespace"]]).sort(),
        [
          [a.id, alphaNs],
          [b.id, betaNs],
        ].sort(),
      );

      // Destroy through a listed handle (as orphan clean-up does): the Job goes from the team namespace.
      for (const o of owned) await runtime.destroy(o.handle);
      assert.equal((await jobsOf(alphaNs, a.id)).length, 0);
      assert.equal((await jobsOf(betaNs, b.id)).length, 0);
    });

    void test("changed quotas are applied at the team's next sandbox; none left removes the ResourceQuota", async () => {
      const runtime = make();
      const namespace = `${base}-gamma`;
      const first = await runtime.create(spec(teamOf("gamma", { maxSandboxes: 1 })));
      await runtime.destroy(first);
      const second = await runtime.create(spec(teamOf("gamma", { maxSandboxes: 4, maxCpuMillis: 1500 })));
      const quota = await core.readNamespacedResourceQuota({ name: "c8s-team-quota", namespace });
      assert.deepEqual(quota.spec?.hard, { pods: "4", "limits.cpu": "1500m", "requests.cpu": "1500m" });
      await runtime.destroy(second);
      // A second runtime (a restarted server) finds the namespace and applies its view idempotently.
      const restarted = make();
      const third = await restarted.create(spec(teamOf("gamma")));
      assert.equal(third.ref["namespace"], namespace);
      await assert.rejects(core.readNamespacedResourceQuota({ name: "c8s-team-quota", namespace }), (e: unknown) =>
        String((e as { code?: number }).code).startsWith("404"),
      );
      await restarted.destroy(third);
    });

    void test("with the option off a team's sandbox stays in the configured namespace", async () => {
      const runtime = make({ teamNamespaces: undefined });
      const s = spec(teamOf("delta", { maxSandboxes: 1 }));
      const handle = await runtime.create(s);
      assert.equal(handle.ref["namespace"], base);
      assert.equal((await jobsOf(base, s.id)).length, 1);
      await assert.rejects(core.readNamespace({ name: `${base}-delta` }));
      await runtime.destroy(handle);
      assert.equal((await jobsOf(base, s.id)).length, 0);
    });
  });
}
