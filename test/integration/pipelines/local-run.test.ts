/**
 * Pipeline runs for real: a real git repository (file://), a fresh clone, each step in a
 * real bubblewrap sandbox of the local runtime, masked logs and artifacts on disk.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Runtime } from "../../../src/runtimes/types.ts";
import { loadPipeline } from "../../../src/pipelines/spec/lint.ts";
import { type LocalRunEvent, runPipelineLocally } from "../../../src/pipelines/runner/run-pipeline.ts";
import { createEmbeddedEngine } from "../../../src/engine/embedded.ts";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";

const localRuntimePath = new URL("../../../src/runtimes/local/local-runtime.ts", import.meta.url);
const skip = existsSync(localRuntimePath) ? false : "the local runtime (src/runtimes/local) has not landed yet";

async function localRuntime(home: string): Promise<Runtime> {
  const module = (await import(localRuntimePath.href)) as {
    createLocalRuntime: (options: unknown) => Runtime | Promise<Runtime>;
  };
  return await module.createLocalRuntime({ stateDir: join(home, "local") });
}

const limits = {
  memoryBytes: 256 * 1024 * 1024,
  pids: 128,
  cpuMillis: 1000,
  fileSizeBytes: 64 * 1024 * 1024,
  diskBytes: 256 * 1024 * 1024,
};

async function setup(files: Record<string, string>) {
  const home = await mkdtemp(join(tmpdir(), "c8s-run-home-"));
  const repo: TestRepository = await createTestRepository(files);
  const runtime = await localRuntime(home);
  const engine = createEmbeddedEngine({
    runtime,
    owner: "c8s-test-pipelines",
    defaults: { ...limits, ttlMs: 600_000, idleTimeoutMs: 600_000, execTimeoutMs: 600_000 },
    maxSandboxes: 16,
  });
  const events: LocalRunEvent[] = [];
  return {
    home,
    repo,
    runtime,
    engine,
    events,
    async run(yaml: string, extra: Partial<Parameters<typeof runPipelineLocally>[0]> = {}) {
      return runPipelineLocally({
        pipeline: loadPipeline(yaml),
        repository: { url: repo.url, commit: repo.commits[repo.commits.length - 1] ?? "HEAD" },
        context: { event: "push", branch: "main" },
        sandboxes: engine,
        home,
        secrets: {},
        limits,
        onEvent: (e) => events.push(e),
        ...extra,
      });
    },
    async cleanup() {
      await engine.close();
      await runtime.close();
      await repo.cleanup();
      await rm(home, { recursive: true, force: true });
    },
  };
}

void test(
  "a DAG runs in a fresh clone shared by its steps; secrets are masked; artifacts collected",
  { skip },
  async (t) => {
    const env = await setup({ "src/input.txt": "hello from git\n" });
    t.after(() => env.cleanup());
    const result = await env.run(
      `version: v1alpha1
name: dag
steps:
  - name: build
    commands:
      - mkdir -p out
      - cat src/input.txt > out/result.txt
      - echo "token=$TOKEN"
      - printf '%s' "$TOKEN" | base64
      - V=$(printf '%s-%s' runtime value-123); echo "::add-mask::$V"; sleep 0.2; echo "later $V"
    secrets: [TOKEN]
    artifacts: [out/result.txt, "out/*.txt"]
  - name: check
    dependsOn: [build]
    commands:
      - test "$(cat out/result.txt)" = "hello from git"
      - test "$C8S_STEP" = check
`,
      { secrets: { TOKEN: "sup3r-secret-token" } },
    );
    assert.equal(result.state, "succeeded", JSON.stringify(result.steps));
    const log = await readFile(result.logs["build"] ?? "", "utf8");
    assert.ok(!log.includes("sup3r-secret-token"), log);
    assert.ok(!log.includes(Buffer.from("sup3r-secret-token").toString("base64")), log);
    assert.ok(!log.includes("runtime-value-123"), log);
    assert.match(log, /token=\*\*\*/);
    assert.match(log, /later \*\*\*/);
    assert.deepEqual(result.artifacts.map((a) => a.path).sort(), ["out/result.txt", "out/result.txt"]);
    const stored = await readdir(join(result.runDir, "artifacts", "build", "out"));
    assert.deepEqual(stored, ["result.txt"]);
    const summary = JSON.parse(await readFile(join(result.runDir, "run.json"), "utf8")) as { state: string };
    assert.equal(summary.state, "succeeded");
    assert.ok(!existsSync(join(result.runDir, "workspace")), "the clone is removed after the run");
    assert.ok(!existsSync(join("/var/lib/c8s/runs", result.runId)), "the clone is removed after the run");
    // Every step ran in an engine sandbox of purpose `step`, recorded with its run and step, ended.
    const sandboxes = await env.engine.list();
    assert.deepEqual(sandboxes.map((s) => [s.purpose, s.runId, s.step, s.state]).sort(), [
      ["step", result.runId, "build", "terminated"],
      ["step", result.runId, "check", "terminated"],
    ]);
    const started = env.events.flatMap((e) => (e.type === "sandbox" ? [e.sandboxId] : []));
    assert.deepEqual(started.sort(), sandboxes.map((s) => s.id).sort());
    // The log is the exec's output, masked by the engine: the exec's record is there too.
    const build = sandboxes.find((s) => s.step === "build");
    assert.equal((await env.engine.listExecs(build?.id ?? "")).length, 1);
    const outputs = env.events.filter((e) => e.type === "output");
    assert.ok(outputs.length > 0);
    assert.ok(outputs.every((e) => e.type === "output" && !e.data.toString().includes("sup3r-secret-token")));
  },
);

void test(
  "a failing step fails the run, cancels nothing else, skips dependents, keeps its last lines",
  { skip },
  async (t) => {
    const env = await setup({ "a.txt": "x" });
    t.after(() => env.cleanup());
    const result = await env.run(`version: v1alpha1
name: failing
steps:
  - name: bad
    commands: ["echo about to fail", "exit 3", "echo never"]
  - name: after
    dependsOn: [bad]
    commands: ["true"]
`);
    assert.equal(result.state, "failed");
    const bad = result.steps.find((s) => s.name === "bad");
    assert.equal(bad?.state, "failed");
    assert.equal(bad?.exitCode, 3);
    assert.equal(result.steps.find((s) => s.name === "after")?.state, "skipped");
    assert.ok(result.lastLines("bad", 5).includes("about to fail"));
    assert.ok(!result.lastLines("bad", 5).includes("never"));
  },
);

void test(
  "debug: a failed step's sandbox is kept running, with the step's files, until its TTL",
  { skip },
  async (t) => {
    const env = await setup({ "a.txt": "x" });
    t.after(() => env.cleanup());
    const before = Date.now();
    const result = await env.run(
      `version: v1alpha1
name: debug
steps:
  - name: bad
    commands: ["echo made > made.txt", "exit 4"]
`,
      { debug: 120_000 },
    );
    assert.equal(result.state, "failed");
    const kept = result.kept["bad"];
    assert.ok(kept !== undefined, "the failed step's sandbox is kept");
    const record = await env.engine.get(kept.sandboxId);
    assert.equal(record.state, "running");
    assert.deepEqual([record.purpose, record.runId, record.step], ["step", result.runId, "bad"]);
    const until = Date.parse(record.expiresAt ?? "");
    assert.ok(until >= before + 120_000 && until <= Date.now() + 120_000, record.expiresAt ?? "no expiry");
    assert.equal(record.idleTimeoutMs, null, "idleness does not end a kept sandbox");
    const shell = await env.engine.run(kept.sandboxId, { command: ["/bin/sh", "-c", "cat made.txt; echo $C8S_STEP"] });
    assert.equal(shell.stdout.toString(), "made\nbad\n");
    await env.engine.destroy(kept.sandboxId);
  },
);

void test("a step timeout kills the sandbox; Ctrl-C (abort) cancels the run", { skip }, async (t) => {
  const env = await setup({ "a.txt": "x" });
  t.after(() => env.cleanup());
  const timedOut = await env.run(`version: v1alpha1
name: slow
steps:
  - name: sleepy
    timeout: 1s
    commands: ["sleep 60"]
`);
  assert.equal(timedOut.steps[0]?.state, "timed-out");
  assert.equal(timedOut.state, "failed");

  const controller = new AbortController();
  const running = env.run(
    `version: v1alpha1
name: cancel
steps:
  - name: forever
    commands: ["echo started", "sleep 60"]
`,
    {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "output" && e.data.toString().includes("started")) controller.abort();
      },
    },
  );
  const cancelled = await running;
  assert.equal(cancelled.state, "cancelled");
  assert.equal(cancelled.steps[0]?.state, "cancelled");
  assert.deepEqual(await env.runtime.listOwned("c8s-test-pipelines"), []);
});

void test("a missing secret is refused before anything runs", { skip }, async (t) => {
  const env = await setup({ "a.txt": "x" });
  t.after(() => env.cleanup());
  await assert.rejects(
    env.run(`version: v1alpha1
name: s
steps:
  - name: a
    secrets: [NOPE]
    commands: ["true"]
`),
    { code: "SECRET_NOT_FOUND" },
  );
});

void test("services share the run's network group and are ready before steps start", { skip }, async (t) => {
  const env = await setup({ "a.txt": "x" });
  t.after(() => env.cleanup());
  const result = await env.run(`version: v1alpha1
name: with-service
services:
  - name: pong
    commands:
      - python3 -c "import socketserver as s;h=type('H',(s.StreamRequestHandler,),{'handle':lambda self:self.wfile.write(b'PONG-FROM-SERVICE\\\\n')});s.TCPServer(('127.0.0.1',6391),h).serve_forever()"
    readiness:
      command: python3 -c "import socket;socket.create_connection(('127.0.0.1',6391),1)"
      interval: 100ms
      timeout: 20s
steps:
  - name: client
    commands:
      - python3 -c "import socket;print(socket.create_connection(('127.0.0.1',6391)).recv(64).decode().strip())"
`);
  assert.equal(result.state, "succeeded", JSON.stringify(result.steps));
  assert.ok(result.lastLines("client", 3).includes("PONG-FROM-SERVICE"));
  assert.ok(env.events.some((e) => e.type === "service" && e.name === "pong" && e.state === "ready"));
  assert.deepEqual(await env.runtime.listOwned("c8s-test-pipelines"), [], "services are destroyed after the run");
});

void test("a service that never gets ready fails the run with its reason", { skip }, async (t) => {
  const env = await setup({ "a.txt": "x" });
  t.after(() => env.cleanup());
  const result = await env.run(`version: v1alpha1
name: bad-service
services:
  - name: never
    commands: ["sleep 30"]
    readiness: { command: "false", interval: 100ms, timeout: 1s }
steps:
  - name: a
    commands: ["true"]
`);
  assert.equal(result.state, "failed");
  assert.match(result.reason ?? "", /service 'never' was not ready/);
  assert.equal(result.steps[0]?.state, "skipped");
});

void test("a retry re-runs a flaky step in a fresh sandbox on the same workspace", { skip }, async (t) => {
  const env = await setup({ "a.txt": "x" });
  t.after(() => env.cleanup());
  const result = await env.run(`version: v1alpha1
name: flaky
steps:
  - name: flaky
    retries: { count: 2, backoff: 100ms }
    commands:
      - if [ ! -f .tried ]; then touch .tried; echo first attempt fails; exit 1; fi
      - echo second attempt passes
`);
  assert.equal(result.state, "succeeded", JSON.stringify(result.steps));
  assert.equal(result.steps[0]?.attempts, 2);
  const log = await readFile(result.logs["flaky"] ?? "", "utf8");
  assert.match(log, /first attempt fails[\s\S]*--- attempt 2 ---[\s\S]*second attempt passes/);
});
