import assert from "node:assert/strict";
import { test } from "node:test";
import { C8sError } from "../../../src/errors/index.ts";
import { kubernetesOptionsFromEnv } from "../../../src/runtimes/kubernetes/options.ts";

const base = { owner: "c8s-host-1", ttlMs: 2 * 60 * 60 * 1000 };

void test("a kubeconfig path and defaults", () => {
  const options = kubernetesOptionsFromEnv({ KUBECONFIG: "/k.yaml" }, base);
  assert.deepEqual(options, {
    kubeconfig: "/k.yaml",
    namespace: "c8s",
    owner: "c8s-host-1",
    defaults: { activeDeadlineSeconds: 7200 },
  });
});

void test("in a pod without KUBECONFIG: the in-cluster account", () => {
  const options = kubernetesOptionsFromEnv({ KUBERNETES_SERVICE_HOST: "10.0.0.1" }, base);
  assert.equal(options.inCluster, true);
  assert.equal(options.kubeconfig, undefined);
});

void test("every C8S_KUBERNETES_* setting lands in the options; blanks are unset", () => {
  const options = kubernetesOptionsFromEnv(
    {
      KUBECONFIG: "/k.yaml",
      C8S_KUBERNETES_NAMESPACE: "sandboxes",
      C8S_KUBERNETES_OWNER: "prod-1",
      C8S_KUBERNETES_IMAGE: "python:3.12",
      C8S_KUBERNETES_SANDBOX_SERVICE_ACCOUNT: "c8s-sandbox",
      C8S_KUBERNETES_RUNTIME_CLASS: "",
      C8S_KUBERNETES_WORKSPACE_SIZE: "5Gi",
      C8S_KUBERNETES_STORAGE_CLASS: "fast",
    },
    { owner: "x", ttlMs: 1500 },
  );
  assert.deepEqual(options, {
    kubeconfig: "/k.yaml",
    namespace: "sandboxes",
    owner: "prod-1",
    defaults: {
      activeDeadlineSeconds: 2,
      image: "python:3.12",
      serviceAccountName: "c8s-sandbox",
      persistentWorkspace: { size: "5Gi", storageClassName: "fast" },
    },
  });
});

void test("an invalid namespace is CONFIG_INVALID naming the variable", () => {
  assert.throws(
    () => kubernetesOptionsFromEnv({ C8S_KUBERNETES_NAMESPACE: "Not_A_Label" }, base),
    (error: unknown) =>
      error instanceof C8sError &&
      error.code === "CONFIG_INVALID" &&
      error.message.includes("C8S_KUBERNETES_NAMESPACE"),
  );
});

void test("C8S_KUBERNETES_NAMESPACE_PER_TEAM: team namespaces with the installation's default limits", () => {
  const limits = { cpuMillis: 2000, memoryBytes: 1024 ** 3 };
  for (const [value, on] of [
    ["1", true],
    ["true", true],
    ["0", false],
    ["false", false],
    ["", false],
  ] as const) {
    const options = kubernetesOptionsFromEnv(
      { KUBECONFIG: "/k.yaml", C8S_KUBERNETES_NAMESPACE_PER_TEAM: value },
      {
        ...base,
        limits,
      },
    );
    assert.deepEqual(options.teamNamespaces, on ? { defaultLimits: limits } : undefined, `'${value}'`);
  }
  // No limits passed: the config module's own defaults.
  assert.deepEqual(kubernetesOptionsFromEnv({ C8S_KUBERNETES_NAMESPACE_PER_TEAM: "1" }, base).teamNamespaces, {
    defaultLimits: { cpuMillis: 1000, memoryBytes: 512 * 1024 ** 2 },
  });
  assert.throws(
    () => kubernetesOptionsFromEnv({ C8S_KUBERNETES_NAMESPACE_PER_TEAM: "yes" }, base),
    (error: unknown) =>
      error instanceof C8sError &&
      error.code === "CONFIG_INVALID" &&
      error.message.includes("C8S_KUBERNETES_NAMESPACE_PER_TEAM"),
  );
});
