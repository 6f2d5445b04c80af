/**
 * `c8s k8s verify` — the real CLI — against the real API server after deploy/kubernetes is
 * applied (the same apply as deploy-kubernetes.test.ts, from test/fixtures/k8s-deploy.ts):
 * every check passes as an admin checking the server account, and as the server account
 * itself (SelfSubjectAccessReview, admin-only checks skipped). A deliberately broken copy in
 * its own namespace (no pods/exec, Secrets readable, Pod Security baseline, no Deployment)
 * fails exactly the checks that should, and exits 1.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { RbacAuthorizationV1Api, type KubernetesObject, type V1Role } from "@kubernetes/client-node";
import type { CheckId } from "../../src/cli/k8s-verify/checks.ts";
import { kubeConfigForServiceAccount } from "../../src/cli/k8s-verify/cluster.ts";
import type { VerifyReport } from "../../src/cli/k8s-verify/report.ts";
import { TEAM_NAMESPACE_PERMISSIONS } from "../../src/runtimes/kubernetes/permissions.ts";
import { deleteNamespace, findTestCluster } from "../fixtures/k8s-cluster.ts";
import {
  applyObjects,
  applyPlainManifests,
  PLAIN_NAMESPACE,
  plainManifests,
  waitDeploymentsReady,
} from "../fixtures/k8s-deploy.ts";

const cli = join(import.meta.dirname, "../../bin/c8s.js");
/** Unique per run: the previous run's copy may still be terminating. */
const BROKEN = `c8s-verify-broken-${randomBytes(3).toString("hex")}`;
/** deploy/kubernetes copied with the team-namespace ClusterRole (C8S_KUBERNETES_NAMESPACE_PER_TEAM). */
const TEAMS = `c8s-verify-teams-${randomBytes(3).toString("hex")}`;

function verify(args: string[], kubeconfig: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, "k8s", "verify", ...args],
      { env: { PATH: process.env["PATH"], HOME: process.env["HOME"], KUBECONFIG: kubeconfig }, timeout: 180_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const statuses = (report: VerifyReport) => Object.fromEntries(report.results.map((r) => [r.id, r.status]));

/** deploy/kubernetes moved to another namespace and broken on purpose. */
function brokenManifests(): KubernetesObject[] {
  return plainManifests()
    .filter((o) => o.kind !== "Deployment")
    .map((o) => {
      const copy = structuredClone(o) as KubernetesObject & Record<string, unknown>;
      if (copy.kind === "Namespace") {
        copy.metadata = {
          ...copy.metadata,
          name: BROKEN,
          labels: { "pod-security.kubernetes.io/enforce": "baseline" },
        };
        return copy;
      }
      copy.metadata = { ...copy.metadata, namespace: BROKEN };
      if (copy.kind === "Role") {
        const role = copy as V1Role;
        role.rules = (role.rules ?? []).filter((r) => !(r.resources ?? []).includes("pods/exec"));
        role.rules.push({ apiGroups: [""], resources: ["secrets"], verbs: ["get"] });
      }
      if (copy.kind === "RoleBinding") {
        const subjects = (copy["subjects"] as { namespace: string }[]).map((s) => ({ ...s, namespace: BROKEN }));
        copy["subjects"] = subjects;
      }
      return copy;
    });
}

/** deploy/kubernetes in TEAMS (no Deployment) plus a ClusterRole(Binding) as Helm's teamNamespaces renders. */
function teamManifests(): KubernetesObject[] {
  const moved = plainManifests()
    .filter((o) => o.kind !== "Deployment")
    .map((o) => {
      const copy = structuredClone(o) as KubernetesObject & Record<string, unknown>;
      if (copy.kind === "Namespace") copy.metadata = { ...copy.metadata, name: TEAMS };
      else copy.metadata = { ...copy.metadata, namespace: TEAMS };
      if (copy.kind === "RoleBinding")
        copy["subjects"] = (copy["subjects"] as { namespace: string }[]).map((x) => ({ ...x, namespace: TEAMS }));
      return copy;
    });
  const role = moved.find((o) => o.kind === "Role") as V1Role;
  const clusterRole = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: TEAMS },
    rules: [
      ...TEAM_NAMESPACE_PERMISSIONS.map((p) => ({
        apiGroups: [p.group],
        resources: [p.resource],
        verbs: [...p.verbs],
      })),
      ...(role.rules ?? []),
    ],
  };
  const binding = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: TEAMS },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: TEAMS },
    subjects: [{ kind: "ServiceAccount", name: "c8s-server", namespace: TEAMS }],
  };
  return [...moved, clusterRole, binding];
}

const probe = await findTestCluster();

if (probe.cluster === undefined) {
  void test(`c8s k8s verify on a real API server — skipped: ${probe.skip}`, { skip: probe.skip }, () => undefined);
} else {
  const { kubeConfig, kubeconfigPath } = probe.cluster;

  void describe("c8s k8s verify on a real API server", () => {
    let scratch = "";
    before(async () => {
      scratch = mkdtempSync(join(tmpdir(), "c8s-verify-"));
      await applyPlainManifests(kubeConfig);
      await waitDeploymentsReady(kubeConfig, PLAIN_NAMESPACE);
    });
    after(async () => {
      rmSync(scratch, { recursive: true, force: true });
      await deleteNamespace(kubeConfig, BROKEN);
      await deleteNamespace(kubeConfig, TEAMS);
      const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
      await rbac.deleteClusterRoleBinding({ name: TEAMS }).catch(() => undefined);
      await rbac.deleteClusterRole({ name: TEAMS }).catch(() => undefined);
    });

    void test("as an admin checking c8s:c8s-server: every check passes, exit 0", async () => {
      const run = await verify(["--as-service-account", "c8s:c8s-server", "--json"], kubeconfigPath);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const report = JSON.parse(run.stdout) as VerifyReport;
      assert.equal(report.ok, true);
      assert.equal(report.subject, "system:serviceaccount:c8s:c8s-server");
      for (const result of report.results) assert.equal(result.status, "pass", `${result.id}: ${result.detail}`);
      assert.equal(report.results.length, 14);
      for (const result of report.results) assert.ok(result.durationMs >= 0);
    });

    void test("text output: each check on its own line with a time, then the verdict", async () => {
      const run = await verify(["-n", "c8s", "--as-service-account", "c8s:c8s-server"], kubeconfigPath);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const lines = run.stdout.trimEnd().split("\n");
      assert.match(lines[0] ?? "", /^c8s k8s verify: namespace c8s, checking system:serviceaccount:c8s:c8s-server/);
      assert.equal(lines.filter((l) => /^PASS {2}.+ \(\d+(\.\d)? m?s\)/.test(l)).length, 14, run.stdout);
      assert.match(lines.at(-1) ?? "", /^ok: the cluster is ready for c8s \(14 of 14 checks passed/);
    });

    void test("as the server account itself: SelfSubjectAccessReview; admin-only checks skip; exit 0", async () => {
      const asServer = await kubeConfigForServiceAccount(kubeConfig, { namespace: "c8s", name: "c8s-server" });
      const path = join(scratch, "server.kubeconfig");
      writeFileSync(path, asServer.exportConfig(), { mode: 0o600 });
      // The account cannot list nodes, so it cannot tell the pods are KWOK's: --simulated says so.
      const run = await verify(
        ["--namespace", "c8s", "--json", ...(probe.cluster.simulated ? ["--simulated"] : [])],
        path,
      );
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const report = JSON.parse(run.stdout) as VerifyReport;
      const adminOnly: CheckId[] = ["namespace", "pod-security", "service-accounts", "rbac", "deployment"];
      for (const result of report.results) {
        const want = adminOnly.includes(result.id) ? "skip" : "pass";
        assert.equal(result.status, want, `${result.id}: ${result.detail}`);
      }
    });

    void test("--namespace-per-team: the team ClusterRole passes; without the flag it is more than needed", async () => {
      await applyObjects(kubeConfig, teamManifests());
      const args = ["--as-service-account", `${TEAMS}:c8s-server`, "--json"];
      const on = JSON.parse((await verify([...args, "--namespace-per-team"], kubeconfigPath)).stdout) as VerifyReport;
      const expectOn = Object.fromEntries(on.results.map((r) => [r.id, r.id === "deployment" ? "fail" : "pass"]));
      assert.deepEqual(statuses(on), expectOn, JSON.stringify(on.results.filter((r) => r.status !== "pass")));
      const off = JSON.parse((await verify(args, kubeconfigPath)).stdout) as VerifyReport;
      const byId = new Map(off.results.map((r) => [r.id, r]));
      assert.equal(byId.get("rbac")?.status, "fail");
      assert.match(byId.get("rbac")?.detail ?? "", /more than needed .*\/namespaces:create/);
      assert.equal(byId.get("cannot-cluster")?.status, "fail");
      assert.match(byId.get("cannot-cluster")?.detail ?? "", /allowed: list namespaces \(cluster-wide\)/);
    });

    void test("a broken deployment fails exactly the checks it should, with hints, exit 1", async () => {
      await applyObjects(kubeConfig, brokenManifests());
      const run = await verify(["--as-service-account", `${BROKEN}:c8s-server`, "--json"], kubeconfigPath);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      const report = JSON.parse(run.stdout) as VerifyReport;
      assert.equal(report.ok, false);
      assert.deepEqual(statuses(report), {
        cluster: "pass",
        namespace: "pass",
        "pod-security": "fail",
        "service-accounts": "pass",
        rbac: "fail",
        deployment: "fail",
        "can-runtime": "fail",
        "cannot-nodes": "pass",
        "cannot-secrets": "fail",
        "cannot-cluster": "pass",
        "sandbox-create": "skip",
        "sandbox-exec": "skip",
        "sandbox-limits": "skip",
        "sandbox-cleanup": "skip",
      });
      const byId = new Map(report.results.map((r) => [r.id, r]));
      assert.match(
        byId.get("rbac")?.detail ?? "",
        /missing \/pods\/exec:create \/pods\/exec:get; more than needed \/secrets:get/,
      );
      assert.match(byId.get("can-runtime")?.detail ?? "", new RegExp(`denied: create pods/exec in ${BROKEN}`));
      assert.match(byId.get("cannot-secrets")?.detail ?? "", new RegExp(`allowed: get secrets in ${BROKEN}`));
      assert.match(byId.get("pod-security")?.detail ?? "", /enforce=baseline/);
      for (const result of report.results.filter((r) => r.status === "fail")) assert.ok(result.hint, result.id);
    });
  });
}
