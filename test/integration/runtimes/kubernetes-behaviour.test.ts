/**
 * Kubernetes-specific behaviour of the runtime against the real API server (beyond the
 * shared conformance suite): the objects it creates, how sandboxes end (TTL through
 * activeDeadlineSeconds, destroy), orphan listing, and API errors translated to c8s codes.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { BatchV1Api, CoreV1Api, KubeConfig, NetworkingV1Api } from "@kubernetes/client-node";
import { C8sError } from "../../../src/errors/index.ts";
import { defaultSpec } from "../../../src/runtimes/conformance/index.ts";
import { createKubernetesRuntime, type KubernetesRuntimeOptions } from "../../../src/runtimes/kubernetes/index.ts";
import { shellCommand, type Runtime, type SandboxSpec } from "../../../src/runtimes/types.ts";
import { deleteNamespace, ensureNamespace, findTestCluster } from "../../fixtures/k8s-cluster.ts";

const probe = await findTestCluster();

if (probe.cluster === undefined) {
  void test(`kubernetes runtime behaviour — skipped: ${probe.skip}`, { skip: probe.skip }, () => undefined);
} else {
  const { kubeConfig, simulated } = probe.cluster;
  const namespace = `c8s-beh-${randomBytes(3).toString("hex")}`;
  const owner = `c8s-beh-${randomBytes(3).toString("hex")}`;
  const runtimes: Runtime[] = [];
  const make = (extra: Partial<KubernetesRuntimeOptions> = {}): Runtime => {
    const runtime = createKubernetesRuntime({
      kubeconfig: kubeConfig,
      namespace,
      owner,
      prepareWorkdir: simulated,
      ...extra,
    });
    runtimes.push(runtime);
    return runtime;
  };
  const spec = (overrides: Partial<SandboxSpec> = {}): SandboxSpec => {
    const base = defaultSpec({ owner, ...overrides });
    return simulated ? { ...base, workdir: `/var/tmp/c8s-kwok/${base.id}/workspace` } : base;
  };
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const networking = kubeConfig.makeApiClient(NetworkingV1Api);

  void describe("kubernetes runtime behaviour", () => {
    before(async () => {
      await ensureNamespace(kubeConfig, namespace, { "pod-security.kubernetes.io/enforce": "restricted" });
    });
    after(async () => {
      for (const runtime of runtimes) await runtime.close();
      await deleteNamespace(kubeConfig, namespace);
    });

    void test("create makes a Job and a deny-all NetworkPolicy; destroy removes both; waitExit says killed", async () => {
      const runtime = make();
      const s = spec();
      const handle = await runtime.create(s);
      const exit = runtime.waitExit(handle);
      const jobs = await batch.listNamespacedJob({ namespace, labelSelector: `c8s.dev/sandbox=${s.id}` });
      assert.equal(jobs.items.length, 1);
      assert.equal(jobs.items[0]?.spec?.backoffLimit, 0);
      assert.equal(jobs.items[0]?.spec?.ttlSecondsAfterFinished, 60);
      const policies = await networking.listNamespacedNetworkPolicy({
        namespace,
        labelSelector: `c8s.dev/sandbox=${s.id}`,
      });
      assert.deepEqual(policies.items[0]?.spec?.policyTypes, ["Ingress", "Egress"]);
      assert.deepEqual(policies.items[0]?.spec?.egress ?? [], []);
      await runtime.destroy(handle);
      assert.deepEqual(await exit, { reason: "killed" });
      const left = await networking.listNamespacedNetworkPolicy({
        namespace,
        labelSelector: `c8s.dev/sandbox=${s.id}`,
      });
      assert.equal(left.items.length, 0);
      const jobsLeft = await batch.listNamespacedJob({ namespace, labelSelector: `c8s.dev/sandbox=${s.id}` });
      assert.ok(jobsLeft.items.every((j) => j.metadata?.deletionTimestamp !== undefined));
    });

    void test("timeout and kill() end the whole process tree, setsid'd and double-forked children too", async () => {
      const runtime = make();
      const handle = await runtime.create(spec());
      const marker = String(100000 + Math.floor(Math.random() * 800000));
      const count = async (): Promise<string> => {
        const p = await runtime.exec(handle, {
          command: shellCommand(
            `n=0; for f in /proc/[0-9]*/cmdline; do if tr '\\000' ' ' < "$f" 2>/dev/null | grep -q '^sleep ${marker}'; then n=$((n+1)); fi; done; echo $n`,
          ),
        });
        const out: Buffer[] = [];
        p.stdout.on("data", (c: Buffer) => out.push(c));
        await p.closeStdin();
        await p.result;
        return Buffer.concat(out).toString().trim();
      };
      const tree = `(setsid sleep ${marker} >/dev/null 2>&1 &); (sleep ${marker} & ); sleep ${marker} & sh -c 'sleep ${marker}' & echo started; wait`;
      const timed = await runtime.exec(handle, { command: shellCommand(tree), timeoutMs: 1500 });
      await timed.closeStdin();
      assert.equal((await timed.result).reason, "timeout");
      assert.equal(await count(), "0");
      const killed = await runtime.exec(handle, { command: shellCommand(tree) });
      await new Promise<void>((resolve) => killed.stdout.once("data", () => resolve()));
      assert.notEqual(await count(), "0");
      await killed.kill();
      assert.equal((await killed.result).reason, "killed");
      assert.equal(await count(), "0");
      await runtime.destroy(handle);
    });

    void test("network host: no NetworkPolicy", async () => {
      const runtime = make();
      const s = spec({ network: { mode: "host" } });
      const handle = await runtime.create(s);
      const policies = await networking.listNamespacedNetworkPolicy({
        namespace,
        labelSelector: `c8s.dev/sandbox=${s.id}`,
      });
      assert.equal(policies.items.length, 0);
      await runtime.destroy(handle);
    });

    void test("the Job's activeDeadlineSeconds ends the sandbox: waitExit says ttl", async () => {
      const runtime = make({ defaults: { activeDeadlineSeconds: 15 } });
      const handle = await runtime.create(spec());
      const exit = await runtime.waitExit(handle);
      assert.equal(exit.reason, "ttl", JSON.stringify(exit));
      await runtime.destroy(handle);
    });

    void test("a pod that is never created fails create with SANDBOX_START_FAILED saying why, and cleans up", async () => {
      // A quota of zero pods: the Job exists but its pod is refused, so the watch never sees one.
      const quotaNamespace = await ensureNamespace(kubeConfig, `${namespace}-q`);
      const core = kubeConfig.makeApiClient(CoreV1Api);
      await core.createNamespacedResourceQuota({
        namespace: quotaNamespace,
        body: { metadata: { name: "no-pods" }, spec: { hard: { pods: "0" } } },
      });
      const runtime = make({ namespace: quotaNamespace, startTimeoutMs: 3000 });
      const s = spec();
      try {
        await assert.rejects(runtime.create(s), (error: unknown) => {
          assert.ok(error instanceof C8sError);
          assert.equal(error.code, "SANDBOX_START_FAILED");
          assert.match(error.message, /no pod was created/);
          assert.ok(error.hint);
          return true;
        });
        const jobs = await batch.listNamespacedJob({
          namespace: quotaNamespace,
          labelSelector: `c8s.dev/sandbox=${s.id}`,
        });
        assert.ok(jobs.items.every((j) => j.metadata?.deletionTimestamp !== undefined));
      } finally {
        await deleteNamespace(kubeConfig, quotaNamespace);
      }
    });

    void test("waitExit for a sandbox whose Job was deleted behind c8s's back says error, at once", async () => {
      const runtime = make();
      const s = spec();
      const handle = await runtime.create(s);
      const exit = runtime.waitExit(handle);
      await batch.deleteNamespacedJob({ name: String(handle.ref["job"]), namespace, propagationPolicy: "Foreground" });
      assert.equal((await exit).reason, "error");
      // A second waiter, after the Job is gone, does not hang either.
      const again = await make().waitExit(handle);
      assert.equal(again.reason, "error");
      await runtime.destroy(handle);
    });

    void test("an account without permissions gets PERMISSION_DENIED with a hint", async () => {
      const core = kubeConfig.makeApiClient(CoreV1Api);
      await core
        .createNamespacedServiceAccount({ namespace, body: { metadata: { name: "nobody" } } })
        .catch(() => undefined);
      const token = await core.createNamespacedServiceAccountToken({
        name: "nobody",
        namespace,
        body: { spec: { audiences: [], expirationSeconds: 600 } },
      });
      const cluster = kubeConfig.getCurrentCluster();
      assert.ok(cluster && token.status?.token);
      const nobody = new KubeConfig();
      nobody.loadFromOptions({
        clusters: [cluster],
        users: [{ name: "nobody", token: token.status.token }],
        contexts: [{ name: "nobody", cluster: cluster.name, user: "nobody" }],
        currentContext: "nobody",
      });
      const runtime = make({ kubeconfig: nobody });
      await assert.rejects(runtime.create(spec()), (error: unknown) => {
        assert.ok(error instanceof C8sError);
        assert.equal(error.code, "PERMISSION_DENIED");
        assert.match(error.hint ?? "", /Role/);
        return true;
      });
    });

    void test("an API server that does not answer is RUNTIME_UNAVAILABLE", async () => {
      const offline = new KubeConfig();
      offline.loadFromOptions({
        clusters: [{ name: "offline", server: "https://127.0.0.1:1", skipTLSVerify: true }],
        users: [{ name: "u", token: "t" }],
        contexts: [{ name: "offline", cluster: "offline", user: "u" }],
        currentContext: "offline",
      });
      const runtime = make({ kubeconfig: offline });
      await assert.rejects(runtime.listOwned(owner), (error: unknown) => {
        assert.ok(error instanceof C8sError);
        assert.equal(error.code, "RUNTIME_UNAVAILABLE");
        return true;
      });
    });

    void test("exec after the pod is gone is SANDBOX_NOT_FOUND", async () => {
      const runtime = make();
      const s = spec();
      const handle = await runtime.create(s);
      await batch.deleteNamespacedJob({ name: String(handle.ref["job"]), namespace, propagationPolicy: "Background" });
      await kubeConfig
        .makeApiClient(CoreV1Api)
        .deleteCollectionNamespacedPod({ namespace, labelSelector: `c8s.dev/sandbox=${s.id}`, gracePeriodSeconds: 0 });
      await assert.rejects(
        (async () => {
          // The pod may take a moment to disappear; an exec that still reached it is not a failure of this test.
          for (let i = 0; i < 50; i++) {
            const proc = await runtime.exec(handle, { command: ["true"] });
            await proc.closeStdin().catch(() => undefined);
            await proc.result;
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        })(),
        (error: unknown) => error instanceof C8sError && error.code === "SANDBOX_NOT_FOUND",
      );
    });
  });
}
