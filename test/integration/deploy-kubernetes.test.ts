/**
 * deploy/kubernetes applied to a real API server (the KWOK test cluster): RBAC is checked
 * with SubjectAccessReview — the server's account can do exactly what the runtime needs and
 * nothing else — and the namespace's Pod Security `restricted` admits c8s sandbox pods
 * (created by the runtime acting as the server's account) while refusing a privileged pod.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import {
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  RbacAuthorizationV1Api,
  type KubernetesObject,
  type V1PodSpec,
} from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { defaultSpec } from "../../src/runtimes/conformance/index.ts";
import { createKubernetesRuntime } from "../../src/runtimes/kubernetes/index.ts";
import { RUNTIME_PERMISSIONS } from "../../src/runtimes/kubernetes/permissions.ts";
import { shellCommand } from "../../src/runtimes/types.ts";
import { findTestCluster } from "../fixtures/k8s-cluster.ts";

const NAMESPACE = "c8s";
const SERVER = `system:serviceaccount:${NAMESPACE}:c8s-server`;
const deployDir = join(import.meta.dirname, "../../deploy/kubernetes");

function manifests(): KubernetesObject[] {
  const files = readdirSync(deployDir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(join(deployDir, file), "utf8"))
      .map((doc) => doc.toJSON() as KubernetesObject | null)
      .filter((o): o is KubernetesObject => o !== null),
  );
}

async function apply(kubeConfig: KubeConfig, objects: KubernetesObject[]): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  // Namespace first, then the rest, as kubectl apply -k would order them.
  const ordered = [...objects].sort((a, b) => Number(b.kind === "Namespace") - Number(a.kind === "Namespace"));
  for (const object of ordered) {
    try {
      await client.create(object);
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
      const current = await client.read({
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: { name: object.metadata?.name ?? "", namespace: object.metadata?.namespace ?? "" },
      });
      await client.replace({
        ...object,
        metadata: { ...object.metadata, resourceVersion: current.metadata?.resourceVersion },
      });
    }
  }
}

async function can(
  kubeConfig: KubeConfig,
  attributes: { verb: string; group: string; resource: string; subresource?: string; namespace?: string },
): Promise<boolean> {
  const api = kubeConfig.makeApiClient(AuthorizationV1Api);
  const review = await api.createSubjectAccessReview({
    body: {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: {
        user: SERVER,
        groups: ["system:serviceaccounts", `system:serviceaccounts:${NAMESPACE}`, "system:authenticated"],
        resourceAttributes: { namespace: NAMESPACE, ...attributes },
      },
    },
  });
  return review.status?.allowed === true;
}

/** A kubeconfig that authenticates as the server's ServiceAccount (TokenRequest). */
async function kubeConfigAsServer(admin: KubeConfig): Promise<KubeConfig> {
  const core = admin.makeApiClient(CoreV1Api);
  const token = await core.createNamespacedServiceAccountToken({
    name: "c8s-server",
    namespace: NAMESPACE,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  const cluster = admin.getCurrentCluster();
  assert.ok(cluster && token.status?.token);
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ name: "c8s-server", token: token.status.token }],
    contexts: [{ name: "c8s-server", cluster: cluster.name, user: "c8s-server", namespace: NAMESPACE }],
    currentContext: "c8s-server",
  });
  return config;
}

const probe = await findTestCluster();

if (probe.cluster === undefined) {
  void test(`deploy/kubernetes on a real API server — skipped: ${probe.skip}`, { skip: probe.skip }, () => undefined);
} else {
  const { kubeConfig } = probe.cluster;

  void describe("deploy/kubernetes on a real API server", () => {
    before(async () => {
      await apply(kubeConfig, manifests());
    });

    void test("the Role grants exactly the runtime's permissions", async () => {
      const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
      const role = await rbac.readNamespacedRole({ name: "c8s-server", namespace: NAMESPACE });
      const granted = (role.rules ?? []).flatMap((rule) =>
        (rule.apiGroups ?? []).flatMap((group) =>
          (rule.resources ?? []).flatMap((resource) =>
            (rule.verbs ?? []).map((verb) => `${group}/${resource}:${verb}`),
          ),
        ),
      );
      const needed = RUNTIME_PERMISSIONS.flatMap((p) =>
        p.verbs.map(
          (verb) => `${p.group}/${p.resource}${p.subresource === undefined ? "" : `/${p.subresource}`}:${verb}`,
        ),
      );
      assert.deepEqual([...granted].sort(), [...needed].sort());
    });

    void test("SubjectAccessReview: the server account can do everything the runtime needs", async () => {
      for (const permission of RUNTIME_PERMISSIONS) {
        for (const verb of permission.verbs) {
          const attributes = {
            verb,
            group: permission.group,
            resource: permission.resource,
            ...(permission.subresource === undefined ? {} : { subresource: permission.subresource }),
          };
          assert.equal(await can(kubeConfig, attributes), true, `${JSON.stringify(attributes)} must be allowed`);
        }
      }
    });

    void test("SubjectAccessReview: and nothing else", async () => {
      const denied = [
        { verb: "delete", group: "", resource: "nodes", namespace: "" },
        { verb: "list", group: "", resource: "nodes", namespace: "" },
        { verb: "get", group: "", resource: "secrets" },
        { verb: "list", group: "", resource: "secrets" },
        { verb: "get", group: "", resource: "secrets", namespace: "kube-system" },
        { verb: "create", group: "batch", resource: "jobs", namespace: "default" },
        { verb: "list", group: "", resource: "pods", namespace: "kube-system" },
        { verb: "create", group: "", resource: "pods" },
        { verb: "update", group: "batch", resource: "jobs" },
        { verb: "create", group: "rbac.authorization.k8s.io", resource: "roles" },
        { verb: "create", group: "rbac.authorization.k8s.io", resource: "rolebindings" },
        { verb: "list", group: "", resource: "namespaces", namespace: "" },
        { verb: "create", group: "", resource: "pods", subresource: "exec", namespace: "default" },
        { verb: "create", group: "", resource: "serviceaccounts", subresource: "token" },
      ];
      for (const attributes of denied) {
        assert.equal(await can(kubeConfig, attributes), false, `${JSON.stringify(attributes)} must be denied`);
      }
    });

    void test("Pod Security restricted refuses a privileged pod in the namespace", async () => {
      const core = kubeConfig.makeApiClient(CoreV1Api);
      await assert.rejects(
        core.createNamespacedPod({
          namespace: NAMESPACE,
          body: {
            metadata: { name: "c8s-psa-probe" },
            spec: { containers: [{ name: "x", image: "busybox", securityContext: { privileged: true } }] },
          },
        }),
        (error: unknown) => {
          assert.equal((error as { code?: number }).code, 403);
          assert.match(String((error as { body?: unknown }).body), /violates PodSecurity \\?"restricted/);
          return true;
        },
      );
    });

    void test("Pod Security restricted admits the server's own pod (Deployment template, server-side dry run)", async () => {
      const deployment = manifests().find((o) => o.kind === "Deployment") as
        | (KubernetesObject & { spec: { template: { metadata: KubernetesObject["metadata"]; spec: V1PodSpec } } })
        | undefined;
      assert.ok(deployment);
      const core = kubeConfig.makeApiClient(CoreV1Api);
      const pod = await core.createNamespacedPod({
        namespace: NAMESPACE,
        dryRun: "All",
        body: {
          metadata: { name: "c8s-server-dry-run", labels: deployment.spec.template.metadata?.labels },
          spec: deployment.spec.template.spec,
        },
      });
      assert.equal(pod.metadata?.name, "c8s-server-dry-run");
    });

    void describe("the runtime acting as the server account", () => {
      let serverConfig: KubeConfig;
      before(async () => {
        serverConfig = await kubeConfigAsServer(kubeConfig);
      });

      void test("creates a sandbox the restricted namespace admits, runs a command, cleans up", async () => {
        const runtime = createKubernetesRuntime({
          kubeconfig: serverConfig,
          namespace: NAMESPACE,
          owner: "c8s-deploy-test",
          defaults: { serviceAccountName: "c8s-sandbox" },
          prepareWorkdir: probe.cluster.simulated,
        });
        const base = defaultSpec({ owner: "c8s-deploy-test" });
        const spec = probe.cluster.simulated ? { ...base, workdir: `/var/tmp/c8s-kwok/${base.id}/workspace` } : base;
        const handle = await runtime.create(spec);
        try {
          const proc = await runtime.exec(handle, { command: shellCommand("echo deployed") });
          const chunks: Buffer[] = [];
          proc.stdout.on("data", (c: Buffer) => chunks.push(c));
          await proc.closeStdin();
          const result = await proc.result;
          assert.equal(result.exitCode, 0);
          assert.equal(Buffer.concat(chunks).toString(), "deployed\n");
          const owned = await runtime.listOwned("c8s-deploy-test");
          assert.deepEqual(
            owned.map((o) => o.id),
            [spec.id],
          );
          const pods = await kubeConfig.makeApiClient(CoreV1Api).listNamespacedPod({
            namespace: NAMESPACE,
            labelSelector: `c8s.dev/sandbox=${spec.id}`,
          });
          const pod = pods.items[0];
          assert.equal(pod?.spec?.serviceAccountName, "c8s-sandbox");
          assert.equal(pod?.spec?.automountServiceAccountToken, false);
          assert.deepEqual(pod?.spec?.containers[0]?.resources?.limits, { cpu: "1", memory: "512Mi" });
        } finally {
          await runtime.destroy(handle);
          await runtime.close();
        }
        const after = createKubernetesRuntime({
          kubeconfig: serverConfig,
          namespace: NAMESPACE,
          owner: "c8s-deploy-test",
        });
        assert.deepEqual(await after.listOwned("c8s-deploy-test"), []);
        await after.close();
      });
    });
  });
}
