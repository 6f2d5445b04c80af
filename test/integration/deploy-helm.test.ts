/**
 * The Helm chart (deploy/helm/c8s) rendered by a real helm and applied to the real API server.
 * Rendering: the chart lints, and every values file produces the same Role rules and the same
 * locked-down server pod as deploy/kubernetes. On the cluster: the local and production
 * renderings, each in its own namespace (apart from deploy/kubernetes's `c8s`, so the tests
 * run in parallel), pass the same RBAC and Pod Security cases as the plain manifests.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type {
  KubernetesObject,
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1ConfigMap,
  V1Deployment,
  V1Role,
} from "@kubernetes/client-node";
import { permissionKeys, requiredKeys } from "../../src/cli/k8s-verify/checks.ts";
import { findTestCluster } from "../fixtures/k8s-cluster.ts";
import { applyObjects, deployedChecks, plainManifests } from "../fixtures/k8s-deploy.ts";
import { CHART_DIR, findHelm, helm, renderChart } from "../fixtures/helm.ts";

const probe = findHelm();
const VALUES = [undefined, "values-local.yaml", "values-production.yaml"] as const;

const one = <T>(objects: KubernetesObject[], kind: string): T => {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0] as T;
};

if (probe.helm === undefined) {
  void test(`Helm chart deploy/helm/c8s — skipped: ${probe.skip}`, { skip: probe.skip }, () => undefined);
} else {
  const binary = probe.helm;
  const plain = plainManifests();
  const plainRole = one<V1Role>(plain, "Role");
  const plainDeployment = one<V1Deployment>(plain, "Deployment");

  void describe("Helm chart deploy/helm/c8s rendered by helm", () => {
    for (const valuesFile of VALUES) {
      const label = valuesFile ?? "values.yaml (defaults)";
      const namespace = "c8s-render";

      void test(`${label}: helm lint --strict passes`, async () => {
        const args = ["lint", "--strict", CHART_DIR, "--namespace", namespace];
        if (valuesFile !== undefined) args.push("-f", `${CHART_DIR}/${valuesFile}`);
        assert.match(await helm(binary, args), /1 chart\(s\) linted, 0 chart\(s\) failed/);
      });

      void test(`${label}: the same Role rules as deploy/kubernetes, exactly RUNTIME_PERMISSIONS`, async () => {
        const objects = await renderChart(binary, { namespace, ...(valuesFile ? { valuesFile } : {}) });
        const role = one<V1Role>(objects, "Role");
        assert.deepEqual(role.rules, plainRole.rules);
        assert.deepEqual([...permissionKeys(role.rules ?? [])].sort(), [...requiredKeys()].sort());
        const binding = one<{ roleRef: { name: string }; subjects: { name: string; namespace: string }[] }>(
          objects,
          "RoleBinding",
        );
        assert.equal(binding.roleRef.name, role.metadata?.name);
        const deployment = one<V1Deployment>(objects, "Deployment");
        assert.deepEqual(binding.subjects, [
          { kind: "ServiceAccount", name: deployment.spec?.template.spec?.serviceAccountName, namespace },
        ]);
      });

      void test(`${label}: the same objects and the same locked-down server pod as deploy/kubernetes`, async () => {
        const objects = await renderChart(binary, { namespace, ...(valuesFile ? { valuesFile } : {}) });
        const kinds = (list: KubernetesObject[]) => new Set(list.map((o) => o.kind));
        for (const kind of kinds(plain)) {
          if (kind === "Namespace" && valuesFile !== "values-local.yaml") continue; // namespace.create: false
          assert.ok(kinds(objects).has(kind), `renders a ${kind}`);
        }
        for (const o of objects) if (o.kind !== "Namespace") assert.equal(o.metadata?.namespace, namespace, o.kind);
        const deployment = one<V1Deployment>(objects, "Deployment");
        const pod = deployment.spec?.template.spec;
        const plainPod = plainDeployment.spec?.template.spec;
        assert.deepEqual(pod?.securityContext, plainPod?.securityContext);
        const [container, plainContainer] = [pod?.containers[0], plainPod?.containers[0]];
        assert.deepEqual(container?.securityContext, plainContainer?.securityContext);
        for (const probeName of ["livenessProbe", "readinessProbe", "startupProbe"] as const)
          assert.deepEqual(container?.[probeName], plainContainer?.[probeName], probeName);
        assert.deepEqual(container?.args, ["serve"]);
        assert.ok(container?.resources?.limits?.["cpu"] && container.resources.limits["memory"]);
        const config = one<V1ConfigMap>(objects, "ConfigMap");
        assert.equal(config.data?.["C8S_RUNTIME"], "kubernetes");
        assert.equal(config.data?.["C8S_KUBERNETES_NAMESPACE"], namespace);
        const sandbox = objects.find(
          (o) =>
            o.kind === "ServiceAccount" && o.metadata?.name === config.data?.["C8S_KUBERNETES_SANDBOX_SERVICE_ACCOUNT"],
        ) as { automountServiceAccountToken?: boolean } | undefined;
        assert.equal(sandbox?.automountServiceAccountToken, false);
      });
    }

    void test("values-production.yaml: database URL from a Secret, data on a claim, Recreate", async () => {
      const objects = await renderChart(binary, { namespace: "c8s", valuesFile: "values-production.yaml" });
      const deployment = one<V1Deployment>(objects, "Deployment");
      const env = deployment.spec?.template.spec?.containers[0]?.env ?? [];
      const url = env.find((e) => e.name === "C8S_DATABASE_URL");
      assert.deepEqual(url?.valueFrom?.secretKeyRef, { name: "c8s-database", key: "url" });
      assert.equal(deployment.spec?.strategy?.type, "Recreate");
      const claim = one<KubernetesObject>(objects, "PersistentVolumeClaim");
      const data = deployment.spec?.template.spec?.volumes?.find((v) => v.name === "data");
      assert.equal(data?.persistentVolumeClaim?.claimName, claim.metadata?.name);
      assert.equal(objects.filter((o) => o.kind === "Secret").length, 0, "the chart never holds the URL itself");
    });

    void test("teamNamespaces.enabled: the option in the ConfigMap and a ClusterRole of exactly the team permissions", async () => {
      const off = await renderChart(binary, { namespace: "c8s" });
      assert.equal(off.filter((o) => o.kind === "ClusterRole" || o.kind === "ClusterRoleBinding").length, 0);
      assert.equal(one<V1ConfigMap>(off, "ConfigMap").data?.["C8S_KUBERNETES_NAMESPACE_PER_TEAM"], "0");
      const objects = await renderChart(binary, { namespace: "c8s", set: { "teamNamespaces.enabled": "true" } });
      assert.equal(one<V1ConfigMap>(objects, "ConfigMap").data?.["C8S_KUBERNETES_NAMESPACE_PER_TEAM"], "1");
      const role = one<V1ClusterRole>(objects, "ClusterRole");
      assert.deepEqual([...permissionKeys(role.rules ?? [])].sort(), [...requiredKeys(true)].sort());
      const binding = one<V1ClusterRoleBinding>(objects, "ClusterRoleBinding");
      assert.equal(binding.roleRef.name, role.metadata?.name);
      const deployment = one<V1Deployment>(objects, "Deployment");
      assert.deepEqual(binding.subjects, [
        { kind: "ServiceAccount", name: deployment.spec?.template.spec?.serviceAccountName, namespace: "c8s" },
      ]);
      // The namespaced Role is unchanged.
      assert.deepEqual(one<V1Role>(objects, "Role").rules, plainRole.rules);
    });

    void test("an inline database.url becomes a Secret the pod reads, never a ConfigMap value", async () => {
      const objects = await renderChart(binary, { namespace: "c8s", set: { "database.url": "postgres://u:p@db/c8s" } });
      const secret = one<{ metadata: { name: string }; stringData: Record<string, string> }>(objects, "Secret");
      assert.deepEqual(secret.stringData, { url: "postgres://u:p@db/c8s" });
      const config = one<V1ConfigMap>(objects, "ConfigMap");
      assert.ok(!Object.values(config.data ?? {}).some((v) => v.includes("postgres://")));
    });
  });

  const cluster = await findTestCluster();
  if (cluster.cluster === undefined) {
    void test(`Helm chart on a real API server — skipped: ${cluster.skip}`, { skip: cluster.skip }, () => undefined);
  } else {
    const live = cluster.cluster;
    deployedChecks("Helm chart with values-local.yaml on a real API server", {
      cluster: live,
      namespace: "c8s-helm-local",
      objects: () => renderChart(binary, { namespace: "c8s-helm-local", valuesFile: "values-local.yaml" }),
      owner: "c8s-helm-local-test",
    });
    deployedChecks("Helm chart with values-production.yaml on a real API server", {
      cluster: live,
      namespace: "c8s-helm-production",
      // Production leaves the namespace to the platform team: labelled as values-production.yaml says.
      prepare: async () => {
        await applyObjects(live.kubeConfig, [
          {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: {
              name: "c8s-helm-production",
              labels: {
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
              },
            },
          },
        ]);
      },
      objects: () => renderChart(binary, { namespace: "c8s-helm-production", valuesFile: "values-production.yaml" }),
      owner: "c8s-helm-production-test",
    });
  }
}
