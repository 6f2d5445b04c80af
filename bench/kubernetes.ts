/**
 * Kubernetes-runtime benchmarks (issue 4 item 6): API requests per sandbox create (counted
 * at c8s's client and at the API server), create → ready, exec round trip beside a bare
 * `kubectl exec` and a bare client-node exec on the same pod, destroy → gone, and 50
 * sandboxes created at once.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import { BatchV1Api, CoreV1Api, Exec, KubeConfig, VersionApi } from "@kubernetes/client-node";
import { defaultSpec } from "../src/runtimes/conformance/helpers.ts";
import { createKubernetesRuntime } from "../src/runtimes/kubernetes/index.ts";
import { CONTAINER_NAME, sandboxSelector } from "../src/runtimes/kubernetes/manifests.ts";
import { openDriver, runtimeDriver, type SandboxDriver } from "./drivers.ts";
import { bareJobBurst } from "./k8s-bare.ts";
import { CountingKubeConfig, parseRequestTotals, requestDelta } from "./k8s-requests.ts";
import { sampleRoundRobin, summarize, type Summary, type Target, timeIt } from "./stats.ts";

const run = promisify(execFile);

export interface KubernetesBenchResult {
  path: string;
  fallbackReason: string | undefined;
  cluster: string;
  rows: Summary[];
  requests: {
    creates: number;
    perCreate: number;
    perCreateWithoutKwokExec: number;
    breakdown: string[];
    serverDeltaPerCreate: string;
  };
  burst: {
    count: number;
    ready: number;
    failed: number;
    wallMs: number;
    bareWallMs: number;
    firstError: string | undefined;
  };
  leftoverPods: number;
  targets: Target[];
}

export async function kubernetesSkipReason(kubeconfig: string | undefined): Promise<string | undefined> {
  if (kubeconfig === undefined || kubeconfig === "" || !existsSync(kubeconfig))
    return "KUBECONFIG is not set to a readable file (start a cluster with scripts/k8s-test-cluster.sh start and eval its env)";
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    await kc.makeApiClient(CoreV1Api).listNode({ timeoutSeconds: 5 });
    return undefined;
  } catch (error) {
    return `no Kubernetes API server answers at KUBECONFIG=${kubeconfig}: ${(error as Error).message}`;
  }
}

/** kubectl: $KUBECTL, else the test cluster's build cache beside the kubeconfig, else PATH. */
function kubectlPath(kubeconfig: string): string {
  const fromEnv = process.env["KUBECTL"];
  if (fromEnv) return fromEnv;
  // scripts/k8s-test-cluster.sh: <cache>/kwok/clusters/<name>/kubeconfig.yaml and <cache>/bin/kubectl
  const cached = join(dirname(dirname(dirname(dirname(kubeconfig)))), "bin", "kubectl");
  return existsSync(cached) ? cached : "kubectl";
}

async function podOf(core: CoreV1Api, namespace: string, sandboxId: string): Promise<string | undefined> {
  const pods = await core.listNamespacedPod({ namespace, labelSelector: sandboxSelector(sandboxId) });
  return pods.items.find((p) => p.metadata?.deletionTimestamp === undefined)?.metadata?.name;
}

function bareClientExec(kc: KubeConfig, namespace: string, pod: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = () => {
      const s = new PassThrough();
      s.resume();
      return s;
    };
    new Exec(kc)
      .exec(namespace, pod, CONTAINER_NAME, ["true"], sink(), sink(), null, false, (status) =>
        status.status === "Success" ? resolve() : reject(new Error(`exec: ${JSON.stringify(status)}`)),
      )
      .catch(reject);
  });
}

/**
 * Where the time of the sandboxes created at once went, from the objects' own timestamps
 * (whole seconds in the API): Job created → its pod created (the Job controller) → pod
 * scheduled → pod Ready (KWOK's simulated kubelet).
 */
async function burstStages(kc: KubeConfig, namespace: string): Promise<Summary[]> {
  const jobs = await kc.makeApiClient(BatchV1Api).listNamespacedJob({ namespace });
  const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace });
  const jobCreated = new Map(jobs.items.map((j) => [j.metadata?.name ?? "", time(j.metadata?.creationTimestamp)]));
  const toPod: number[] = [];
  const toScheduled: number[] = [];
  const toReady: number[] = [];
  for (const pod of pods.items) {
    const job = pod.metadata?.labels?.["job-name"] ?? pod.metadata?.labels?.["batch.kubernetes.io/job-name"] ?? "";
    const created = time(pod.metadata?.creationTimestamp);
    const condition = (type: string) => time(pod.status?.conditions?.find((c) => c.type === type)?.lastTransitionTime);
    toPod.push(created - (jobCreated.get(job) ?? Number.NaN));
    toScheduled.push(condition("PodScheduled") - created);
    toReady.push(condition("Ready") - condition("PodScheduled"));
  }
  const s = "(API timestamps, 1 s resolution)";
  return [
    summarize(`  burst stage: Job created → its pod created (Job controller) ${s}`, toPod.filter(Number.isFinite)),
    summarize(`  burst stage: pod created → scheduled ${s}`, toScheduled.filter(Number.isFinite)),
    summarize(`  burst stage: scheduled → Ready (KWOK) ${s}`, toReady.filter(Number.isFinite)),
  ];
}

async function createAtOnce(driver: SandboxDriver, count: number) {
  const ids: string[] = [];
  const times: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const wallMs = await timeIt(() =>
    Promise.all(
      Array.from({ length: count }, async () => {
        const started = performance.now();
        try {
          ids.push(await driver.create());
          times.push(performance.now() - started);
        } catch (error) {
          failed++;
          firstError ??= (error as Error).message;
        }
      }),
    ),
  );
  return { ids, times, failed, firstError, wallMs };
}

function time(value: Date | string | undefined): number {
  return value === undefined ? Number.NaN : new Date(value).getTime();
}

async function apiserverTotals(kubectl: string, kubeconfig: string): Promise<Map<string, number>> {
  const { stdout } = await run(kubectl, ["--kubeconfig", kubeconfig, "get", "--raw", "/metrics"], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseRequestTotals(stdout);
}

export async function benchKubernetes(options: { quick: boolean; kubeconfig: string }): Promise<KubernetesBenchResult> {
  const kc = new CountingKubeConfig();
  kc.loadFromFile(options.kubeconfig);
  const plain = new KubeConfig();
  plain.loadFromFile(options.kubeconfig);
  const core = plain.makeApiClient(CoreV1Api);
  const kubectl = kubectlPath(options.kubeconfig);
  const nodes = await core.listNode();
  const simulated = nodes.items.some((n) => n.metadata?.annotations?.["kwok.x-k8s.io/node"] !== undefined);
  const version = await plain.makeApiClient(VersionApi).getCode();
  const namespace = `c8s-bench-${randomBytes(3).toString("hex")}`;
  await core.createNamespace({
    body: { metadata: { name: namespace, labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
  });
  const makeSpec = () => {
    const id = `sbx_bench_${randomBytes(6).toString("hex")}`;
    // KWOK pods share the node's filesystem: each sandbox gets its own workdir there.
    return defaultSpec({
      id,
      owner: "c8s-bench",
      workdir: simulated ? `/var/tmp/c8s-kwok/${id}/workspace` : "/workspace",
    });
  };
  const runtime = createKubernetesRuntime({ kubeconfig: kc, namespace, owner: "c8s-bench", prepareWorkdir: simulated });
  const counting = runtimeDriver(runtime, makeSpec, "kubernetes Runtime API in-process");
  let driver: SandboxDriver | undefined;
  try {
    // 1. Requests per create, c8s's client and the API server's counters.
    const creates = options.quick ? 3 : 8;
    const perCreate: string[][] = [];
    let serverTotal = 0;
    const serverKinds = new Map<string, number>();
    for (let i = 0; i < creates; i++) {
      const before = await apiserverTotals(kubectl, options.kubeconfig);
      const mark = kc.requests.length;
      const id = await counting.create();
      perCreate.push(kc.requests.slice(mark));
      const delta = requestDelta(before, await apiserverTotals(kubectl, options.kubeconfig));
      for (const [kind, n] of delta.byKind) {
        if (kind.endsWith(" ")) continue; // non-resource URLs: /metrics itself, /readyz probes
        serverTotal += n;
        serverKinds.set(kind, (serverKinds.get(kind) ?? 0) + n);
      }
      await counting.destroy(id);
    }
    const all = perCreate.flat();
    const kwokExecs = all.filter((r) => r.startsWith("CONNECT exec")).length;

    // 2. The measured path: c8s serve when it runs kubernetes, else the runtime in-process.
    const opened = await openDriver({
      runtime: "kubernetes",
      env: {
        KUBECONFIG: options.kubeconfig,
        C8S_KUBERNETES_NAMESPACE: namespace,
        ...(simulated ? { C8S_KUBERNETES_SIMULATED_WORKDIR_ROOT: "/var/tmp/c8s-kwok-bench" } : {}),
      },
      fallback: () =>
        Promise.resolve(
          runtimeDriver(
            createKubernetesRuntime({
              kubeconfig: options.kubeconfig,
              namespace,
              owner: "c8s-bench",
              prepareWorkdir: simulated,
            }),
            makeSpec,
            "kubernetes Runtime API in-process (createKubernetesRuntime; no HTTP, no engine/store)",
          ),
        ),
    });
    driver = opened.driver;
    const d = driver;

    const rounds = options.quick ? 5 : 15;
    const ready: number[] = [];
    const gone: number[] = [];
    let stillListed = 0;
    for (let i = 0; i < rounds; i++) {
      let id = "";
      ready.push(await timeIt(async () => (id = await d.create())));
      gone.push(await timeIt(() => d.destroy(id)));
      if ((await podOf(core, namespace, id)) !== undefined) stillListed++;
    }

    // 3. Exec round trip: c8s, bare kubectl exec, bare client-node exec, on one sandbox's pod.
    const id = await d.create();
    const pod = await podOf(core, namespace, id);
    if (pod === undefined) throw new Error(`no pod found for sandbox ${id}`);
    const kubectlExec = () =>
      run(kubectl, [
        "--kubeconfig",
        options.kubeconfig,
        "exec",
        "-n",
        namespace,
        pod,
        "-c",
        CONTAINER_NAME,
        "--",
        "true",
      ]);
    const [c8sExec = [], kubectlSamples = [], clientSamples = []] = await sampleRoundRobin(options.quick ? 15 : 40, [
      () => d.exec(id, ["true"]),
      kubectlExec,
      () => bareClientExec(plain, namespace, pod),
    ]);
    await d.destroy(id);

    // 4. Fifty at once.
    const count = 50;
    const first = await createAtOnce(d, count);
    const { ids: burstIds, times: burstTimes, failed, firstError, wallMs } = first;
    const stages = await burstStages(plain, namespace);
    const destroyAllStart = performance.now();
    await Promise.all(burstIds.splice(0).map((b) => d.destroy(b).catch(() => undefined)));
    const destroyAllMs = performance.now() - destroyAllStart;
    const bare = await bareJobBurst(plain, namespace, count);
    // The same burst straight through the runtime (no HTTP, engine or store), when the path measured was the server.
    const direct = d === counting ? undefined : await createAtOnce(counting, count);
    if (direct) await Promise.all(direct.ids.map((b) => counting.destroy(b).catch(() => undefined)));
    const leftoverPods = (await core.listNamespacedPod({ namespace })).items.length;

    const rows = [
      summarize("create → ready (sequential)", ready),
      summarize("destroy → gone (pod no longer listed)", gone),
      summarize("exec `true` round trip: c8s", c8sExec),
      summarize("exec `true` round trip: bare kubectl exec (process spawn included)", kubectlSamples),
      summarize("exec `true` round trip: bare client-node Exec (WebSocket)", clientSamples),
      summarize(`create → ready, ${count} at once (each)`, burstTimes),
      ...stages,
      ...(direct
        ? [summarize(`create → ready, ${count} at once through the Runtime API in-process (each)`, direct.times)]
        : []),
      summarize(`bare: ${count} of c8s's Job manifests POSTed at once → each pod Ready (one watch)`, bare.readyMs),
    ];
    const [readyS, goneS, execS] = rows as [Summary, Summary, Summary];
    const perCreateCount = all.length / creates;
    const withoutKwok = (all.length - kwokExecs) / creates;
    const targets: Target[] = [
      {
        what: "API requests per sandbox create (c8s's client; KWOK's workdir exec excluded: real clusters skip it)",
        target: "≤ 3",
        measured: `${withoutKwok.toFixed(2)} (${perCreateCount.toFixed(2)} with the KWOK exec)`,
        met: withoutKwok <= 3,
      },
      {
        what: "create → ready p95 (seed: spawn < 10 s)",
        target: "< 10 s",
        measured: `${readyS.p95.toFixed(0)} ms`,
        met: readyS.p95 < 10_000,
      },
      {
        what: "exec round trip p95 (seed: < 2 s)",
        target: "< 2 s",
        measured: `${execS.p95.toFixed(0)} ms`,
        met: execS.p95 < 2000,
      },
      {
        what: "destroy → gone p95 (seed: cleanup < 5 s)",
        target: "< 5 s, pod not listed",
        measured: `${goneS.p95.toFixed(0)} ms, ${stillListed} still listed`,
        met: goneS.p95 < 5000 && stillListed === 0,
      },
      {
        what: `${count} sandboxes created at once (seed: pod start < 30 s)`,
        target: `${count}/${count} ready, slowest < 30 s`,
        measured: `${count - failed}/${count}, slowest ${(Math.max(...burstTimes) / 1000).toFixed(1)} s, wall ${(wallMs / 1000).toFixed(1)} s`,
        met: failed === 0 && Math.max(...burstTimes) < 30_000,
      },
    ];
    return {
      path: d.path,
      fallbackReason: opened.fallbackReason,
      cluster: `${simulated ? "KWOK (simulated pods: exec runs node-local processes)" : "real nodes"}, Kubernetes ${version.gitVersion}, ${nodes.items.length} node(s), namespace ${namespace}, destroy-all of the ${count} took ${(destroyAllMs / 1000).toFixed(1)} s`,
      rows,
      requests: {
        creates,
        perCreate: perCreateCount,
        perCreateWithoutKwokExec: withoutKwok,
        breakdown: CountingKubeConfig.breakdown(all).map((line) =>
          line.replace(/^(\d+)×/, (_, n: string) => `${(Number(n) / creates).toFixed(2)}×`),
        ),
        serverDeltaPerCreate:
          `${(serverTotal / creates).toFixed(1)} (` +
          [...serverKinds]
            .sort((a, b) => b[1] - a[1])
            .map(([kind, n]) => `${(n / creates).toFixed(1)} ${kind}`)
            .join(", ") +
          ")",
      },
      burst: { count, ready: count - failed, failed, wallMs, bareWallMs: bare.wallMs, firstError },
      leftoverPods,
      targets,
    };
  } finally {
    await driver?.close().catch(() => undefined);
    await counting.close().catch(() => undefined);
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  }
}
