import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildTeamLimitRange,
  buildTeamNamespace,
  buildTeamResourceQuota,
  teamNamespaceFingerprint,
  teamNamespaceName,
  teamNamespacesSelector,
} from "../../../src/runtimes/kubernetes/team-namespace.ts";
import type { SandboxTeam } from "../../../src/runtimes/types.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NONE = { maxSandboxes: null, maxMemoryBytes: null, maxCpuMillis: null };
const team = (id: string, quotas: Partial<SandboxTeam["quotas"]> = {}): SandboxTeam => ({
  id,
  quotas: { ...NONE, ...quotas },
});

void test("team namespace names: clean ids as they are, others with a hash; always a DNS label of ≤ 63", () => {
  const long = "a".repeat(80);
  const cases: { base: string; team: string; expect?: string; hashed: boolean }[] = [
    { base: "c8s", team: "default", expect: "c8s-default", hashed: false },
    { base: "c8s", team: "ml-research", expect: "c8s-ml-research", hashed: false },
    { base: "c8s", team: "ML_Research", hashed: true },
    { base: "c8s", team: "ml research!", hashed: true },
    { base: "c8s", team: "---", hashed: true },
    { base: "c8s", team: long, hashed: true },
    { base: "sandboxes-of-a-rather-long-installation-name", team: "platform-engineering", hashed: true },
    { base: "b".repeat(63), team: "x", hashed: true },
  ];
  for (const c of cases) {
    const name = teamNamespaceName(c.base, c.team);
    assert.match(name, DNS_LABEL, `${c.base}/${c.team} → ${name}`);
    assert.ok(name.length <= 63, `${name} is ${name.length} long`);
    if (c.expect !== undefined) assert.equal(name, c.expect);
    assert.equal(/-[0-9a-f]{8}$/.test(name), c.hashed, `${c.team} → ${name}`);
    assert.equal(teamNamespaceName(c.base, c.team), name, "stable");
  }
  // Ids that clean up to the same text, or share a cut-off head, still get their own namespace.
  const colliding = ["ml-research", "ML-Research", "ml_research", "ml.research", `${long}1`, `${long}2`];
  const names = new Set(colliding.map((id) => teamNamespaceName("c8s", id)));
  assert.equal(names.size, colliding.length);
  assert.match(teamNamespaceName("c8s", "ML_Research"), /^c8s-ml-research-[0-9a-f]{8}$/);
});

void test("the Namespace: team, managed-by and base labels, Pod Security restricted", () => {
  const ns = buildTeamNamespace("c8s", team("ML_Research"));
  assert.equal(ns.metadata?.name, teamNamespaceName("c8s", "ML_Research"));
  assert.deepEqual(ns.metadata?.labels, {
    "app.kubernetes.io/managed-by": "c8s",
    "c8s.dev/team": "ML_Research",
    "c8s.dev/base-namespace": "c8s",
    "pod-security.kubernetes.io/enforce": "restricted",
  });
  assert.deepEqual(ns.metadata?.annotations, { "c8s.dev/team": "ML_Research" });
  assert.equal(teamNamespacesSelector("c8s"), "app.kubernetes.io/managed-by=c8s,c8s.dev/base-namespace=c8s");
});

void test("the ResourceQuota: each set quota, limits and requests; none set → no quota", () => {
  const cases: { quotas: Partial<SandboxTeam["quotas"]>; hard: Record<string, string> | null }[] = [
    { quotas: {}, hard: null },
    { quotas: { maxSandboxes: 3 }, hard: { pods: "3" } },
    { quotas: { maxSandboxes: 0 }, hard: { pods: "0" } },
    {
      quotas: { maxMemoryBytes: 2 * 1024 ** 3 },
      hard: { "limits.memory": "2Gi", "requests.memory": "2Gi" },
    },
    { quotas: { maxCpuMillis: 1500 }, hard: { "limits.cpu": "1500m", "requests.cpu": "1500m" } },
    {
      quotas: { maxSandboxes: 10, maxMemoryBytes: 1000, maxCpuMillis: 4000 },
      hard: {
        pods: "10",
        "limits.memory": "1000",
        "requests.memory": "1000",
        "limits.cpu": "4",
        "requests.cpu": "4",
      },
    },
  ];
  for (const c of cases) {
    const quota = buildTeamResourceQuota("c8s", team("ci", c.quotas));
    assert.deepEqual(quota?.spec?.hard ?? null, c.hard, JSON.stringify(c.quotas));
    if (quota !== null) {
      assert.equal(quota.metadata?.name, "c8s-team-quota");
      assert.equal(quota.metadata?.namespace, "c8s-ci");
      assert.equal(quota.metadata?.labels?.["c8s.dev/team"], "ci");
    }
  }
});

void test("the LimitRange: the installation's default limits, requests capped at them", () => {
  const cases = [
    {
      defaults: {
        limits: { cpuMillis: 1000, memoryBytes: 512 * 1024 ** 2 },
        requests: { cpuMillis: 500, memoryBytes: 256 * 1024 ** 2 },
      },
      limit: { cpu: "1", memory: "512Mi" },
      request: { cpu: "500m", memory: "256Mi" },
    },
    {
      defaults: {
        limits: { cpuMillis: 250, memoryBytes: 128 * 1024 ** 2 },
        requests: { cpuMillis: 500, memoryBytes: 512 * 1024 ** 2 },
      },
      limit: { cpu: "250m", memory: "128Mi" },
      request: { cpu: "250m", memory: "128Mi" },
    },
  ];
  for (const c of cases) {
    const range = buildTeamLimitRange("c8s", team("ci"), c.defaults);
    assert.equal(range.metadata?.name, "c8s-team-defaults");
    assert.equal(range.metadata?.namespace, "c8s-ci");
    assert.deepEqual(range.spec?.limits, [{ type: "Container", _default: c.limit, defaultRequest: c.request }]);
  }
});

void test("the fingerprint changes with the team's quotas, not with anything else", () => {
  const a = teamNamespaceFingerprint(team("ci", { maxSandboxes: 2 }));
  assert.equal(teamNamespaceFingerprint(team("ci", { maxSandboxes: 2 })), a);
  assert.notEqual(teamNamespaceFingerprint(team("ci", { maxSandboxes: 3 })), a);
  assert.notEqual(teamNamespaceFingerprint(team("ci", { maxSandboxes: 2, maxCpuMillis: 1000 })), a);
  assert.notEqual(teamNamespaceFingerprint(team("cd", { maxSandboxes: 2 })), a);
});
