import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { C8sError } from "../../../src/errors/index.ts";
import {
  buildJob,
  buildNetworkPolicy,
  buildWorkspaceClaim,
  cpuQuantity,
  DEFAULT_SANDBOX_DEFAULTS,
  labelValue,
  memoryQuantity,
  objectNamesFor,
  ownerSelector,
  sandboxLabels,
} from "../../../src/runtimes/kubernetes/manifests.ts";
import type { V1Pod } from "@kubernetes/client-node";
import { diskEviction, wasOomKilled } from "../../../src/runtimes/kubernetes/job-exit.ts";
import type { SandboxSpec } from "../../../src/runtimes/types.ts";

const MiB = 1024 * 1024;

function spec(overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  return {
    id: "sbx_01HX7ABC",
    owner: "c8s-test",
    env: { FOO: "bar" },
    workdir: "/workspace",
    mounts: [],
    network: { mode: "none" },
    limits: { memoryBytes: 1024 * MiB, pids: 256, cpuMillis: 1000, fileSizeBytes: 1024 * MiB, diskBytes: 1024 * MiB },
    labels: {},
    ...overrides,
  };
}

void describe("quantities", () => {
  const cpu: Array<[number, string]> = [
    [500, "500m"],
    [1000, "1"],
    [2500, "2500m"],
    [250, "250m"],
  ];
  for (const [millis, expected] of cpu)
    void test(`cpu ${millis} → ${expected}`, () => assert.equal(cpuQuantity(millis), expected));
  const memory: Array<[number, string]> = [
    [512 * MiB, "512Mi"],
    [1024 * MiB, "1Gi"],
    [1536 * MiB, "1536Mi"],
    [4096, "4Ki"],
    [1000, "1000"],
  ];
  for (const [bytes, expected] of memory)
    void test(`memory ${bytes} → ${expected}`, () => assert.equal(memoryQuantity(bytes), expected));
});

void describe("names and labels", () => {
  const names: Array<[string, string]> = [
    ["sbx_01HX7ABC", "c8s-sbx-01hx7abc"],
    ["SBX__weird..id", "c8s-sbx-weird-id"],
  ];
  for (const [id, job] of names) {
    void test(`job name for ${id}`, () => {
      const n = objectNamesFor(id);
      assert.equal(n.job, job);
      assert.equal(n.networkPolicy, `${job}-net`);
      assert.equal(n.pvc, `${job}-ws`);
    });
  }
  void test("long ids are cut to a DNS label and stay unique", () => {
    const a = objectNamesFor(`sbx_${"a".repeat(100)}`);
    const b = objectNamesFor(`sbx_${"a".repeat(99)}b`);
    assert.ok(a.networkPolicy.length <= 63 && a.pvc.length <= 63);
    assert.match(a.job, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    assert.notEqual(a.job, b.job);
  });
  const values: Array<[string, RegExp]> = [
    ["sbx_01HX", /^sbx_01HX$/],
    ["team/alice@example.com", /^team-alice-example.com-[0-9a-f]{10}$/],
    ["x".repeat(80), /^x{52}-[0-9a-f]{10}$/],
  ];
  for (const [value, pattern] of values)
    void test(`label value for ${value.slice(0, 20)}`, () => assert.match(labelValue(value), pattern));
  void test("sandbox labels carry managed-by, owner and sandbox id over user labels", () => {
    const labels = sandboxLabels(spec({ labels: { team: "a", "c8s.dev/sandbox": "spoof" } }));
    assert.deepEqual(labels, {
      team: "a",
      "app.kubernetes.io/managed-by": "c8s",
      "c8s.dev/owner": "c8s-test",
      "c8s.dev/sandbox": "sbx_01HX7ABC",
    });
    assert.equal(ownerSelector("c8s-test"), "app.kubernetes.io/managed-by=c8s,c8s.dev/owner=c8s-test");
  });
  void test("an invalid user label is an INVALID_ARGUMENT error with a hint", () => {
    assert.throws(
      () => sandboxLabels(spec({ labels: { "bad key!": "x" } })),
      (error: unknown) => error instanceof C8sError && error.code === "INVALID_ARGUMENT" && error.hint !== undefined,
    );
  });
});

void describe("buildJob", () => {
  const job = buildJob(spec(), "sandboxes", DEFAULT_SANDBOX_DEFAULTS);
  const pod = job.spec?.template.spec;
  const container = pod?.containers[0];

  void test("one pod, never retried, collected 60 s after it finishes, bounded by the TTL", () => {
    assert.equal(job.metadata?.namespace, "sandboxes");
    assert.equal(job.spec?.backoffLimit, 0);
    assert.equal(job.spec?.completions, 1);
    assert.equal(job.spec?.parallelism, 1);
    assert.equal(job.spec?.ttlSecondsAfterFinished, 60);
    assert.equal(job.spec?.activeDeadlineSeconds, 7200);
    assert.equal(pod?.restartPolicy, "Never");
  });

  void test("passes Pod Security restricted", () => {
    assert.equal(pod?.automountServiceAccountToken, false);
    assert.equal(pod?.securityContext?.runAsNonRoot, true);
    assert.equal(pod?.securityContext?.seccompProfile?.type, "RuntimeDefault");
    assert.ok((pod?.securityContext?.runAsUser ?? 0) > 0);
    assert.equal(container?.securityContext?.allowPrivilegeEscalation, false);
    assert.deepEqual(container?.securityContext?.capabilities?.drop, ["ALL"]);
    assert.equal(container?.securityContext?.capabilities?.add, undefined);
    assert.equal(container?.securityContext?.privileged, false);
    assert.equal(pod?.hostNetwork, undefined);
    assert.ok(pod?.volumes?.every((v) => v.hostPath === undefined));
  });

  void test("requests from the defaults, limits from the spec", () => {
    assert.deepEqual(container?.resources?.requests, { cpu: "500m", memory: "512Mi", "ephemeral-storage": "0" });
    assert.deepEqual(container?.resources?.limits, { cpu: "1", memory: "1Gi", "ephemeral-storage": "2Gi" });
  });

  void test("requests never exceed small limits", () => {
    const small = buildJob(
      spec({ limits: { memoryBytes: 256 * MiB, pids: 64, cpuMillis: 250, fileSizeBytes: MiB, diskBytes: 64 * MiB } }),
      "ns",
      DEFAULT_SANDBOX_DEFAULTS,
    );
    const resources = small.spec?.template.spec?.containers[0]?.resources;
    assert.deepEqual(resources?.requests, { cpu: "250m", memory: "256Mi", "ephemeral-storage": "0" });
    assert.deepEqual(resources?.limits, { cpu: "250m", memory: "256Mi", "ephemeral-storage": "128Mi" });
  });

  void test("disk quota: each emptyDir holds diskBytes, the pod's ephemeral storage twice that", () => {
    const table: Array<[number, number | undefined, string, string, string]> = [
      // diskBytes, default ephemeral request, sizeLimit, limit, request
      [1024 * MiB, undefined, "1Gi", "2Gi", "0"],
      [64 * MiB, 256 * MiB, "64Mi", "128Mi", "128Mi"],
      [10 * 1024 * MiB, 256 * MiB, "10Gi", "20Gi", "256Mi"],
    ];
    for (const [diskBytes, request, sizeLimit, limit, requested] of table) {
      const built = buildJob(spec({ limits: { ...spec().limits, diskBytes } }), "ns", {
        ...DEFAULT_SANDBOX_DEFAULTS,
        requests: { ...DEFAULT_SANDBOX_DEFAULTS.requests, ephemeralStorageBytes: request },
      });
      const podSpec = built.spec?.template.spec;
      const dirs = podSpec?.volumes
        ?.filter((v) => v.emptyDir !== undefined)
        .map((v) => [v.name, v.emptyDir?.sizeLimit]);
      assert.deepEqual(dirs, [
        ["workspace", sizeLimit],
        ["tmp", sizeLimit],
      ]);
      const resources = podSpec?.containers[0]?.resources;
      assert.equal(resources?.limits?.["ephemeral-storage"], limit);
      assert.equal(resources?.requests?.["ephemeral-storage"], requested);
    }
    assert.throws(
      () => buildJob(spec({ limits: { ...spec().limits, diskBytes: 0 } }), "ns", DEFAULT_SANDBOX_DEFAULTS),
      (e: unknown) => e instanceof C8sError && e.code === "INVALID_ARGUMENT",
    );
  });

  void test("workdir and /tmp are writable volumes; env and image are set", () => {
    assert.equal(container?.image, DEFAULT_SANDBOX_DEFAULTS.image);
    assert.equal(container?.workingDir, "/workspace");
    assert.deepEqual(container?.env, [{ name: "FOO", value: "bar" }]);
    assert.deepEqual(
      container?.volumeMounts?.map((m) => m.mountPath),
      ["/workspace", "/tmp"],
    );
    assert.ok(pod?.volumes?.some((v) => v.name === "workspace" && v.emptyDir !== undefined));
  });

  void test("the labels select the pod and the owner", () => {
    assert.equal(job.metadata?.labels?.["c8s.dev/owner"], "c8s-test");
    assert.equal(job.spec?.template.metadata?.labels?.["c8s.dev/sandbox"], "sbx_01HX7ABC");
    assert.equal(job.metadata?.annotations?.["c8s.dev/sandbox-id"], "sbx_01HX7ABC");
  });

  const variants: Array<
    [string, Partial<typeof DEFAULT_SANDBOX_DEFAULTS>, Partial<SandboxSpec>, (j: ReturnType<typeof buildJob>) => void]
  > = [
    [
      "runtimeClassName",
      { runtimeClassName: "gvisor" },
      {},
      (j) => assert.equal(j.spec?.template.spec?.runtimeClassName, "gvisor"),
    ],
    ["no runtimeClassName by default", {}, {}, (j) => assert.equal(j.spec?.template.spec?.runtimeClassName, undefined)],
    [
      "service account",
      { serviceAccountName: "c8s-sandbox" },
      {},
      (j) => assert.equal(j.spec?.template.spec?.serviceAccountName, "c8s-sandbox"),
    ],
    [
      "image from the spec",
      {},
      { image: "python:3.12" },
      (j) => assert.equal(j.spec?.template.spec?.containers[0]?.image, "python:3.12"),
    ],
    [
      "persistent workspace",
      { persistentWorkspace: { size: "1Gi" } },
      {},
      (j) =>
        assert.deepEqual(j.spec?.template.spec?.volumes?.find((v) => v.name === "workspace")?.persistentVolumeClaim, {
          claimName: "c8s-sbx-01hx7abc-ws",
        }),
    ],
    [
      "extra mounts are claims",
      {},
      { mounts: [{ source: "cache", target: "/cache", readOnly: true }] },
      (j) => {
        const s = j.spec?.template.spec;
        assert.deepEqual(s?.volumes?.[2], {
          name: "mount-0",
          persistentVolumeClaim: { claimName: "cache", readOnly: true },
        });
        assert.deepEqual(s?.containers[0]?.volumeMounts?.[2], { name: "mount-0", mountPath: "/cache", readOnly: true });
      },
    ],
    [
      "network group label on the pod",
      {},
      { network: { mode: "group", group: "run-1" } },
      (j) => assert.equal(j.spec?.template.metadata?.labels?.["c8s.dev/network-group"], "run-1"),
    ],
    [
      "a sandbox that asked for the network is labelled for the chart's allow policy; others are not",
      {},
      { network: { mode: "host" } },
      (j) => {
        assert.equal(j.spec?.template.metadata?.labels?.["c8s.dev/network"], "host");
        const closed = buildJob(spec({ network: { mode: "none" } }), "ns", DEFAULT_SANDBOX_DEFAULTS);
        assert.equal(closed.spec?.template.metadata?.labels?.["c8s.dev/network"], undefined);
      },
    ],
    [
      "activeDeadlineSeconds from the TTL",
      { activeDeadlineSeconds: 600 },
      {},
      (j) => assert.equal(j.spec?.activeDeadlineSeconds, 600),
    ],
  ];
  for (const [name, defaults, specOverrides, check] of variants) {
    void test(name, () => check(buildJob(spec(specOverrides), "ns", { ...DEFAULT_SANDBOX_DEFAULTS, ...defaults })));
  }
});

void describe("buildNetworkPolicy", () => {
  void test("none: denies all ingress and egress of the sandbox pod", () => {
    const policy = buildNetworkPolicy(spec(), "ns");
    assert.deepEqual(policy?.spec?.policyTypes, ["Ingress", "Egress"]);
    assert.deepEqual(policy?.spec?.egress, []);
    assert.deepEqual(policy?.spec?.ingress, []);
    assert.deepEqual(policy?.spec?.podSelector?.matchLabels, { "c8s.dev/sandbox": "sbx_01HX7ABC" });
    assert.equal(policy?.metadata?.name, "c8s-sbx-01hx7abc-net");
  });
  void test("host: no policy at all", () => {
    assert.equal(buildNetworkPolicy(spec({ network: { mode: "host" } }), "ns"), null);
  });
  void test("group: only the group's pods and DNS", () => {
    const policy = buildNetworkPolicy(spec({ network: { mode: "group", group: "run-1" } }), "ns");
    const egress = policy?.spec?.egress ?? [];
    assert.deepEqual(egress[0]?.to, [{ podSelector: { matchLabels: { "c8s.dev/network-group": "run-1" } } }]);
    assert.deepEqual(
      egress[1]?.ports?.map((p) => p.port),
      [53, 53],
    );
    assert.deepEqual(policy?.spec?.ingress?.[0]?._from, [
      { podSelector: { matchLabels: { "c8s.dev/network-group": "run-1" } } },
    ]);
  });
});

void describe("buildWorkspaceClaim", () => {
  void test("none without a persistent workspace", () =>
    assert.equal(buildWorkspaceClaim(spec(), "ns", DEFAULT_SANDBOX_DEFAULTS), null));
  void test("a ReadWriteOnce claim of the configured size and class", () => {
    const claim = buildWorkspaceClaim(spec(), "ns", {
      ...DEFAULT_SANDBOX_DEFAULTS,
      persistentWorkspace: { size: "5Gi", storageClassName: "fast" },
    });
    assert.deepEqual(claim?.spec, {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "5Gi" } },
      storageClassName: "fast",
    });
    assert.equal(claim?.metadata?.labels?.["c8s.dev/owner"], "c8s-test");
  });
});

void describe("wasOomKilled", () => {
  const pod = (reason: string | undefined, last?: string): V1Pod => ({
    status: {
      containerStatuses: [
        {
          name: "sandbox",
          image: "x",
          imageID: "",
          ready: false,
          restartCount: 0,
          state: reason === undefined ? {} : { terminated: { exitCode: 137, reason } },
          ...(last === undefined ? {} : { lastState: { terminated: { exitCode: 137, reason: last } } }),
        },
      ],
    },
  });
  const cases: Array<[string, V1Pod[], boolean]> = [
    ["OOMKilled", [pod("OOMKilled")], true],
    ["OOMKilled earlier", [pod(undefined, "OOMKilled")], true],
    ["Error", [pod("Error")], false],
    ["no pods", [], false],
  ];
  for (const [name, pods, expected] of cases) void test(name, () => assert.equal(wasOomKilled(pods), expected));
});

void test("diskEviction: the kubelet's own-quota evictions are `disk`, node pressure is not", () => {
  const pod = (reason: string | undefined, message: string | undefined): V1Pod => ({ status: { reason, message } });
  const table: Array<[V1Pod, string | null]> = [
    [
      pod("Evicted", 'Usage of EmptyDir volume "workspace" exceeds the limit "1Gi". '),
      'Usage of EmptyDir volume "workspace" exceeds the limit "1Gi".',
    ],
    [
      pod("Evicted", "Pod ephemeral local storage usage exceeds the total limit of containers 2Gi. "),
      "Pod ephemeral local storage usage exceeds the total limit of containers 2Gi.",
    ],
    [pod("Evicted", "The node was low on resource: ephemeral-storage. "), null],
    [pod("Evicted", "The node was low on resource: memory. "), null],
    [pod(undefined, undefined), null],
  ];
  for (const [p, expected] of table) assert.equal(diskEviction([p]), expected);
});
