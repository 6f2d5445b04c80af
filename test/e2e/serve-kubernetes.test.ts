/**
 * `c8s serve --runtime kubernetes` and `c8s run --runtime kubernetes` against a real API server
 * (the KWOK test cluster from scripts/k8s-test-cluster.sh): the SDK creates a sandbox (a Job),
 * runs commands, moves files and destroys it; a server killed with SIGKILL leaves a Job that
 * the next start removes; a pipeline runs each step as its own Job with the clone handed in.
 * KWOK simulates pods (commands run as processes of this machine), so nothing here is about
 * container isolation; C8S_KUBERNETES_SIMULATED_WORKDIR_ROOT keeps the sandboxes' workdirs apart.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { BatchV1Api } from "@kubernetes/client-node";
import { Sandbox } from "../../packages/sdk/src/index.ts";
import { cleanEnv, runCli, startCliServer } from "../fixtures/cli-server.ts";
import { createTestRepository } from "../fixtures/git.ts";
import { deleteNamespace, ensureNamespace, findTestCluster } from "../fixtures/k8s-cluster.ts";

const probe = await findTestCluster();
const namespace = `c8s-e2e-${randomBytes(3).toString("hex")}`;

void describe("c8s on the kubernetes runtime", { skip: probe.skip ?? false }, () => {
  const cluster = probe.cluster;
  const env = (): Record<string, string> => ({
    KUBECONFIG: cluster?.kubeconfigPath ?? "",
    C8S_KUBERNETES_NAMESPACE: namespace,
    ...(cluster?.simulated ? { C8S_KUBERNETES_SIMULATED_WORKDIR_ROOT: "/var/tmp/c8s-kwok-e2e" } : {}),
  });
  const jobsOf = async (selector: string) => {
    const batch = (cluster?.kubeConfig ?? assert.fail("no cluster")).makeApiClient(BatchV1Api);
    return (await batch.listNamespacedJob({ namespace, labelSelector: selector })).items;
  };
  const waitNoJobs = async (selector: string) => {
    for (let i = 0; i < 100; i++) {
      const left = await jobsOf(selector);
      if (left.length === 0) return;
      await sleep(100);
    }
    assert.fail(`jobs ${selector} are still there`);
  };

  before(async () => {
    if (cluster)
      await ensureNamespace(cluster.kubeConfig, namespace, { "pod-security.kubernetes.io/enforce": "restricted" });
  });
  after(async () => {
    if (cluster) await deleteNamespace(cluster.kubeConfig, namespace);
  });

  void it("serve --runtime kubernetes: the SDK creates a Job sandbox, runs commands, moves files, kills it", async () => {
    const server = await startCliServer(env(), { args: ["--runtime", "kubernetes"] });
    try {
      assert.match(server.output(), /runtime kubernetes/);
      const sandbox = await Sandbox.create({ url: server.url, token: server.token });
      const jobs = await jobsOf(`c8s.dev/sandbox=${sandbox.sandboxId}`);
      assert.equal(jobs.length, 1, "one Job per sandbox");

      const result = await sandbox.commands.run("echo out; echo err >&2; exit 4", { allowNonZeroExit: true });
      assert.deepEqual([result.exitCode, result.stdout, result.stderr], [4, "out\n", "err\n"]);

      await sandbox.files.write("dir/hello.txt", "hello, cluster\n");
      assert.equal(await sandbox.files.read("dir/hello.txt"), "hello, cluster\n");
      assert.equal((await sandbox.commands.run("cat dir/hello.txt")).stdout, "hello, cluster\n");
      const entries = await sandbox.files.list("dir");
      assert.deepEqual(
        entries.map((e) => e.name),
        ["hello.txt"],
      );

      await sandbox.kill();
      await waitNoJobs(`c8s.dev/sandbox=${sandbox.sandboxId}`);
    } finally {
      await server.stop();
    }
  });

  void it("a server killed with SIGKILL leaves its Job; the next start removes it", async () => {
    const first = await startCliServer(env(), { args: ["--runtime", "kubernetes"] });
    const home = first.home;
    try {
      const sandbox = await Sandbox.create({ url: first.url, token: first.token });
      assert.equal((await sandbox.commands.run("echo alive")).stdout, "alive\n");
      await first.crash();
      assert.equal((await jobsOf(`c8s.dev/sandbox=${sandbox.sandboxId}`)).length, 1, "the crash left the Job");

      const second = await startCliServer(env(), { home, args: ["--runtime", "kubernetes"] });
      try {
        await waitNoJobs(`c8s.dev/sandbox=${sandbox.sandboxId}`);
        const ls = await runCli(["sandbox", "get", sandbox.sandboxId, "--json"], { env: second.env });
        assert.equal(ls.code, 0, ls.stderr);
        const record = JSON.parse(ls.stdout) as { state: string; terminationReason?: string };
        assert.equal(record.state, "terminated");
        assert.equal(record.terminationReason, "interrupted");
      } finally {
        await second.stop({ keepHome: true });
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  void it("c8s run --runtime kubernetes: each step is a Job, the clone is handed to every step, artifacts collected", async (t) => {
    const pipeline = `version: v1alpha1
name: on-kubernetes
services:
  - name: db
    commands: [sleep 1000]
steps:
  - name: build
    commands:
      - test -f README.md
      - mkdir -p out && cat README.md > out/readme-copy.txt
    artifacts: [out/readme-copy.txt]
  - name: check
    dependsOn: [build]
    commands:
      - echo "clone has $(cat README.md)"
      - echo "db pod at $C8S_SERVICE_DB_HOST"
`;
    const repo = await createTestRepository({ ".c8s.yaml": pipeline, "README.md": "k8s pipeline\n" });
    const home = await mkdtemp(join(tmpdir(), "c8s-run-k8s-"));
    t.after(async () => {
      await repo.cleanup();
      await rm(home, { recursive: true, force: true });
    });
    const run = await runCli(["run", "--runtime", "kubernetes", "--logs"], {
      env: cleanEnv({ C8S_HOME: home, ...env() }),
      cwd: repo.dir,
    });
    const output = run.stdout + run.stderr;
    assert.equal(run.code, 0, output);
    assert.match(output, /clone has k8s pipeline/);
    const dbHost = /db pod at ([0-9.]+)/.exec(output)?.[1] ?? "";
    assert.match(dbHost, /^\d+\.\d+\.\d+\.\d+$/, "steps get the service pod's IP");
    assert.notEqual(dbHost, "127.0.0.1");
    const runs = await readdir(join(home, "runs"));
    const artifacts = await readdir(join(home, "runs", runs[0] ?? "", "artifacts"), { recursive: true });
    assert.ok(
      artifacts.some((a) => a.endsWith("readme-copy.txt")),
      `artifact collected: ${artifacts.join(", ")}`,
    );
    await waitNoJobs("c8s.dev/kind=pipeline-step");
    await waitNoJobs("c8s.dev/kind=pipeline-service");
  });
});
