/** `c8s k8s verify`'s pure half: the check plan, RBAC comparison, sandbox judgements, output, usage errors. */
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import type { V1Job, V1Pod } from "@kubernetes/client-node";
import {
  CHECKS,
  compareRules,
  forbiddenAccess,
  parseServiceAccount,
  requiredAccess,
  sandboxProblems,
  skipReason,
  verifyExitCode,
  type CheckResult,
  type ExpectedSandbox,
  type VerifyContext,
} from "../../../src/cli/k8s-verify/checks.ts";
import { formatDuration, formatResult, formatSummary, toReport } from "../../../src/cli/k8s-verify/report.ts";
import { errorDetail } from "../../../src/cli/k8s-verify/run.ts";
import { main } from "../../../src/cli/dispatch.ts";
import type { CliIo } from "../../../src/cli/io.ts";
import { C8sError } from "../../../src/errors/index.ts";
import { RUNTIME_PERMISSIONS, TEAM_NAMESPACE_PERMISSIONS } from "../../../src/runtimes/kubernetes/permissions.ts";

const asAccount: VerifyContext = {
  namespace: "c8s",
  identity: { kind: "service-account", namespace: "c8s", name: "c8s-server" },
  sandboxServiceAccount: "c8s-sandbox",
};
const asSelf: VerifyContext = { ...asAccount, identity: { kind: "self" } };

const result = (id: CheckResult["id"], status: CheckResult["status"]): CheckResult => ({
  id,
  title: id,
  status,
  durationMs: 1,
  detail: "",
});

/** The Role rules of deploy/kubernetes/rbac.yaml, written out from RUNTIME_PERMISSIONS. */
const exactRules = RUNTIME_PERMISSIONS.map((p) => ({
  apiGroups: [p.group],
  resources: [p.subresource === undefined ? p.resource : `${p.resource}/${p.subresource}`],
  verbs: [...p.verbs],
}));

void test("the plan covers seed 001's checklist, in an order where every need comes first", () => {
  const ids = CHECKS.map((c) => c.id);
  for (const id of ["rbac", "can-runtime", "cannot-nodes", "cannot-secrets", "sandbox-create", "sandbox-exec"])
    assert.ok(ids.includes(id as CheckResult["id"]), id);
  assert.equal(new Set(ids).size, ids.length);
  CHECKS.forEach((check, index) => {
    for (const need of check.needs) assert.ok(ids.indexOf(need) < index, `${check.id} needs ${need} earlier`);
    assert.notEqual(check.hint(asAccount), "");
  });
});

void test("skipReason: admin-only checks skip for the self identity; a failed need skips its dependants", () => {
  const check = (id: string) => CHECKS.find((c) => c.id === id) ?? assert.fail(id);
  assert.match(skipReason(check("rbac"), asSelf, []) ?? "", /--as-service-account/);
  assert.equal(skipReason(check("can-runtime"), asSelf, [result("cluster", "pass")]), undefined);
  assert.equal(skipReason(check("sandbox-exec"), asAccount, [result("sandbox-create", "pass")]), undefined);
  assert.match(
    skipReason(check("sandbox-exec"), asAccount, [result("sandbox-create", "fail")]) ?? "",
    /sandbox-create/,
  );
  assert.match(skipReason(check("cluster"), asAccount, []) ?? "none", /none/);
  assert.match(skipReason(check("namespace"), asAccount, [result("cluster", "skip")]) ?? "", /cluster/);
});

void test("parseServiceAccount takes NAMESPACE:NAME only", () => {
  assert.deepEqual(parseServiceAccount("c8s:c8s-server"), { namespace: "c8s", name: "c8s-server" });
  for (const bad of ["c8s", ":x", "c8s:", "C8S:x", "a:b:c", "system:serviceaccount:c8s:x"])
    assert.equal(parseServiceAccount(bad), undefined, bad);
});

void test("required access is every RUNTIME_PERMISSIONS verb in the namespace; forbidden never overlaps it", () => {
  const required = requiredAccess("c8s");
  assert.equal(
    required.length,
    RUNTIME_PERMISSIONS.reduce((n, p) => n + p.verbs.length, 0),
  );
  assert.ok(required.every((a) => a.namespace === "c8s"));
  const key = (a: { verb: string; group: string; resource: string; subresource?: string; namespace: string }) =>
    `${a.namespace}|${a.group}|${a.resource}|${a.subresource ?? ""}|${a.verb}`;
  const requiredKeys = new Set(required.map(key));
  const forbidden = Object.values(forbiddenAccess("c8s")).flat();
  assert.ok(forbidden.length >= 10);
  for (const a of forbidden) assert.equal(requiredKeys.has(key(a)), false, key(a));
  assert.ok(forbidden.some((a) => a.resource === "nodes" && a.verb === "delete" && a.namespace === ""));
  assert.ok(forbidden.some((a) => a.resource === "secrets" && a.namespace === "kube-system"));
  // The "other namespace" is never the one being verified.
  const jobsElsewhere = forbiddenAccess("default")["cannot-cluster"].find((a) => a.resource === "jobs");
  assert.equal(jobsElsewhere?.namespace, "kube-public");
});

void test("compareRules: exact rules pass; missing verbs and extras (wildcards too) are named", () => {
  assert.deepEqual(compareRules(exactRules), { missing: [], extra: [] });
  const withoutExec = exactRules.filter((r) => r.resources[0] !== "pods/exec");
  assert.deepEqual(compareRules(withoutExec).missing, ["/pods/exec:create", "/pods/exec:get"]);
  const withSecrets = [...exactRules, { apiGroups: [""], resources: ["secrets"], verbs: ["get"] }];
  assert.deepEqual(compareRules(withSecrets), { missing: [], extra: ["/secrets:get"] });
  const wildcard = [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }];
  assert.deepEqual(compareRules(wildcard), { missing: [], extra: ["*/*:*"] });
});

void test("team namespaces: namespaces cluster-wide, quotas and the runtime's verbs in a team namespace", () => {
  const required = requiredAccess("c8s", true);
  const count = (ps: readonly { verbs: string[] }[]) => ps.reduce((n, p) => n + p.verbs.length, 0);
  assert.equal(required.length, 2 * count(RUNTIME_PERMISSIONS) + count(TEAM_NAMESPACE_PERMISSIONS));
  assert.ok(required.some((a) => a.resource === "namespaces" && a.verb === "create" && a.namespace === ""));
  assert.ok(required.some((a) => a.resource === "resourcequotas" && a.namespace === "c8s-verify-team"));
  assert.ok(required.some((a) => a.resource === "jobs" && a.verb === "create" && a.namespace === "c8s-verify-team"));
  // Still forbidden: nodes, secrets, pods created directly, RBAC objects, tokens.
  const forbidden = forbiddenAccess("c8s", true);
  assert.deepEqual(forbidden["cannot-nodes"], forbiddenAccess("c8s")["cannot-nodes"]);
  assert.deepEqual(forbidden["cannot-secrets"], forbiddenAccess("c8s")["cannot-secrets"]);
  const cluster = forbidden["cannot-cluster"].map((a) => `${a.resource}:${a.verb}`);
  assert.ok(!cluster.includes("namespaces:list") && !cluster.includes("jobs:create"));
  for (const kept of ["pods:create", "roles:create", "rolebindings:create", "clusterrolebindings:create"])
    assert.ok(cluster.includes(kept), kept);
  // The ClusterRole's rules: the runtime's plus the team namespace ones; extras still named.
  const teamRules = [
    ...exactRules,
    ...TEAM_NAMESPACE_PERMISSIONS.map((p) => ({ apiGroups: [p.group], resources: [p.resource], verbs: [...p.verbs] })),
  ];
  assert.deepEqual(compareRules(teamRules, true), { missing: [], extra: [] });
  assert.deepEqual(compareRules(exactRules, true).missing.slice(0, 1), ["/limitranges:create"]);
  assert.deepEqual(compareRules(teamRules).extra.length, count(TEAM_NAMESPACE_PERMISSIONS));
});

const expected: ExpectedSandbox = {
  limits: { cpu: "1", memory: "1Gi" },
  requests: { cpu: "500m", memory: "512Mi" },
  ttlSecondsAfterFinished: 60,
  serviceAccountName: "c8s-sandbox",
};
const goodJob: V1Job = {
  spec: { backoffLimit: 0, ttlSecondsAfterFinished: 60, activeDeadlineSeconds: 7200, template: {} },
};
const goodPod = (): V1Pod => ({
  spec: {
    serviceAccountName: "c8s-sandbox",
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      {
        name: "sandbox",
        resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m", memory: "512Mi" } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
      },
    ],
  },
});

void test("sandboxProblems: a right Job and pod have none; each deviation is named", () => {
  assert.deepEqual(sandboxProblems(goodJob, goodPod(), expected), []);
  assert.deepEqual(sandboxProblems(undefined, goodPod(), expected), ["the sandbox's Job is not listed"]);
  const pod = goodPod();
  const container = pod.spec?.containers[0];
  assert.ok(container?.resources && container.securityContext && pod.spec);
  container.resources.limits = { cpu: "2" };
  container.securityContext.capabilities = { drop: [] };
  pod.spec.automountServiceAccountToken = true;
  const problems = sandboxProblems(
    { spec: { ...goodJob.spec, template: {}, ttlSecondsAfterFinished: 3600 } },
    pod,
    expected,
  );
  assert.deepEqual(problems, [
    "Job ttlSecondsAfterFinished is 3600, expected 60",
    "pod limits.cpu is 2, expected 1",
    "pod limits.memory is unset, expected 1Gi",
    "capabilities do not drop ALL",
    "the pod mounts a ServiceAccount token",
  ]);
});

void test("output: one line per check with its time, a hint under failures, a verdict no test runner misreads", () => {
  assert.equal(formatDuration(12.4), "12 ms");
  assert.equal(formatDuration(2500), "2.5 s");
  const failed: CheckResult = {
    ...result("can-runtime", "fail"),
    title: "can do it",
    detail: "denied: x",
    hint: "grant x",
  };
  assert.equal(formatResult(failed), "FAIL  can do it  (1 ms)  denied: x\n      hint: grant x\n");
  assert.equal(formatResult({ ...failed, status: "pass" }), "PASS  can do it  (1 ms)  denied: x\n");
  const results = [result("cluster", "pass"), failed, result("sandbox-create", "skip")];
  const summary = formatSummary(results);
  assert.match(summary, /^FAILED/);
  assert.doesNotMatch(summary, /^\s*(\w+:\s*)?\d+ passed, \d+ failed/m);
  assert.equal(verifyExitCode(results), 1);
  assert.equal(verifyExitCode([result("cluster", "pass"), result("rbac", "skip")]), 0);
  assert.equal(toReport(asAccount, results).subject, "system:serviceaccount:c8s:c8s-server");
  assert.equal(toReport(asAccount, results).ok, false);
});

void test("errorDetail: c8s errors by code, API errors by status and message", () => {
  assert.equal(errorDetail(new C8sError("PERMISSION_DENIED", "no")), "PERMISSION_DENIED: no");
  assert.equal(
    errorDetail(Object.assign(new Error("x"), { code: 403, body: JSON.stringify({ message: "forbidden: jobs" }) })),
    "HTTP 403: forbidden: jobs",
  );
  assert.equal(errorDetail(new Error("boom")), "boom");
});

function io(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  return {
    io: {
      stdin: new PassThrough(),
      stdout,
      stderr,
      cwd: "/",
      env: {},
      signal: new AbortController().signal,
      onSignal: () => () => undefined,
    },
    out: () => out,
    err: () => err,
  };
}

void test("c8s k8s verify: bad flags are usage errors (exit 2) before any cluster is touched", async () => {
  for (const args of [
    ["k8s", "verify", "--as-service-account", "c8s-server"],
    ["k8s", "verify", "--namespace", "Not_A_Label"],
    ["k8s", "verify", "--timeout", "soon"],
    ["k8s", "verify", "extra"],
    ["k8s", "nope"],
  ]) {
    const t = io();
    assert.equal(await main(args, t.io), 2, args.join(" "));
    assert.match(t.err(), /^error\[INVALID_ARGUMENT\]/);
  }
  const help = io();
  assert.equal(await main(["k8s", "help"], help.io), 0);
  assert.match(help.out(), /verify/);
});
