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
  V1NetworkPolicy,
  V1PodDisruptionBudget,
  V1Role,
  V2HorizontalPodAutoscaler,
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

    void test("NetworkPolicies by default: sandboxes deny all unless they asked for the network; the server takes its port only", async () => {
      const objects = await renderChart(binary, { namespace: "c8s" });
      const policies = objects.filter((o) => o.kind === "NetworkPolicy") as V1NetworkPolicy[];
      const byName = (suffix: string) => policies.find((p) => p.metadata?.name?.endsWith(suffix))?.spec;
      const deny = byName("-sandboxes-default-deny");
      assert.deepEqual(deny?.podSelector?.matchExpressions, [{ key: "c8s.dev/sandbox", operator: "Exists" }]);
      assert.deepEqual(deny?.policyTypes, ["Ingress", "Egress"]);
      assert.equal(deny?.ingress, undefined);
      assert.equal(deny?.egress, undefined);
      const open = byName("-sandboxes-network");
      assert.deepEqual(open?.podSelector?.matchLabels, { "c8s.dev/network": "host" });
      assert.deepEqual(open?.egress, [{}]);
      const server = byName("-server");
      assert.deepEqual(server?.ingress, [{ ports: [{ port: 7878, protocol: "TCP" }] }]);
      assert.deepEqual(server?.podSelector?.matchLabels?.["app.kubernetes.io/component"], "server");
      const off = await renderChart(binary, { namespace: "c8s", set: { "networkPolicy.enabled": "false" } });
      assert.equal(off.filter((o) => o.kind === "NetworkPolicy").length, 0);
    });

    void test("more than one replica renders only with PostgreSQL, an S3 bucket and no persistence", async () => {
      for (const [set, message] of [
        [{ "autoscaling.enabled": "true" }, /needs PostgreSQL/],
        [{ replicaCount: "3", "database.existingSecret": "db" }, /S3-compatible bucket/],
        [
          {
            "autoscaling.enabled": "true",
            "database.existingSecret": "db",
            "blobs.s3.bucket": "b",
            "persistence.enabled": "true",
          },
          /cannot share persistence/,
        ],
      ] as const)
        await assert.rejects(renderChart(binary, { namespace: "c8s", set }), message);
    });

    void test("autoscaling: seed 003's HPA (2-10, CPU 70 %, memory 80 %, up at once, down after 5 min), a PDB, S3 keys from a Secret", async () => {
      const objects = await renderChart(binary, {
        namespace: "c8s",
        set: {
          "autoscaling.enabled": "true",
          "database.existingSecret": "c8s-database",
          "blobs.s3.bucket": "c8s-blobs",
          "blobs.s3.endpoint": "http://minio.storage:9000",
          "blobs.s3.existingSecret": "c8s-s3",
        },
      });
      const hpa = one<V2HorizontalPodAutoscaler>(objects, "HorizontalPodAutoscaler").spec;
      assert.deepEqual([hpa?.minReplicas, hpa?.maxReplicas], [2, 10]);
      assert.deepEqual(
        hpa?.metrics?.map((m) => [m.resource?.name, m.resource?.target.averageUtilization]),
        [
          ["cpu", 70],
          ["memory", 80],
        ],
      );
      assert.equal(hpa?.behavior?.scaleUp?.stabilizationWindowSeconds, 0);
      assert.equal(hpa?.behavior?.scaleDown?.stabilizationWindowSeconds, 300);
      const deployment = one<V1Deployment>(objects, "Deployment");
      assert.equal(hpa?.scaleTargetRef.name, deployment.metadata?.name);
      assert.equal(deployment.spec?.replicas, undefined, "the HPA owns the replica count");
      const pdb = one<V1PodDisruptionBudget>(objects, "PodDisruptionBudget").spec;
      assert.equal(pdb?.minAvailable, 1);
      assert.deepEqual(pdb?.selector?.matchLabels, deployment.spec?.selector.matchLabels);
      const config = one<V1ConfigMap>(objects, "ConfigMap").data ?? {};
      assert.deepEqual(
        [config["C8S_BLOB_STORE"], config["C8S_S3_BUCKET"], config["C8S_S3_ENDPOINT"]],
        ["s3", "c8s-blobs", "http://minio.storage:9000"],
      );
      const env = deployment.spec?.template.spec?.containers[0]?.env ?? [];
      assert.deepEqual(
        env.filter((e) => e.name.startsWith("C8S_S3_")).map((e) => [e.name, e.valueFrom?.secretKeyRef?.name]),
        [
          ["C8S_S3_ACCESS_KEY_ID", "c8s-s3"],
          ["C8S_S3_SECRET_ACCESS_KEY", "c8s-s3"],
        ],
      );
      const single = await renderChart(binary, { namespace: "c8s" });
      assert.equal(
        single.filter((o) => o.kind === "PodDisruptionBudget" || o.kind === "HorizontalPodAutoscaler").length,
        0,
      );
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
