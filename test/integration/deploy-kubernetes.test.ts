/**
 * deploy/kubernetes applied to a real API server (the KWOK test cluster): RBAC is checked
 * with SubjectAccessReview — the server's account can do exactly what the runtime needs and
 * nothing else — and the namespace's Pod Security `restricted` admits c8s sandbox pods
 * (created by the runtime acting as the server's account) while refusing a privileged pod.
 * The cases are shared with the Helm chart's test (test/fixtures/k8s-deploy.ts).
 */
import { test } from "node:test";
import { findTestCluster } from "../fixtures/k8s-cluster.ts";
import { deployedChecks, PLAIN_NAMESPACE, plainManifests } from "../fixtures/k8s-deploy.ts";

const probe = await findTestCluster();

if (probe.cluster === undefined) {
  void test(`deploy/kubernetes on a real API server — skipped: ${probe.skip}`, { skip: probe.skip }, () => undefined);
} else {
  deployedChecks("deploy/kubernetes on a real API server", {
    cluster: probe.cluster,
    namespace: PLAIN_NAMESPACE,
    objects: plainManifests,
    owner: "c8s-deploy-test",
  });
}
