/** Docker-specific behaviour beyond the shared conformance suite, against a real dockerd. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { C8sError } from "../../../src/errors/index.ts";
import { sh } from "../../../src/runtimes/conformance/index.ts";
import { createDockerRuntime } from "../../../src/runtimes/docker/index.ts";
import type { Runtime } from "../../../src/runtimes/types.ts";
import { checkGroupSharesLoopback, dockerRuntimeTestContext, probeDockerEngine } from "../../fixtures/docker-engine.ts";

const engine = await probeDockerEngine();
const owner = `c8s-docker-test-${process.pid}`;

void it("an unreachable engine is RUNTIME_UNAVAILABLE with a hint naming the test engine script", async () => {
  await assert.rejects(createDockerRuntime({ dockerHost: "unix:///nonexistent/c8s-docker.sock" }), (e: unknown) => {
    assert.ok(e instanceof C8sError);
    assert.equal(e.code, "RUNTIME_UNAVAILABLE");
    assert.match(e.hint ?? "", /scripts\/docker-test-engine\.sh start/);
    return true;
  });
});

void describe("docker runtime against a real engine", { skip: engine.skipReason }, () => {
  const t = dockerRuntimeTestContext(engine.dockerHost, owner);
  const { docker, logged, spec, create } = t;
  let runtime: Runtime;
  before(() => {
    runtime = t.runtime();
  });

  void it("applies memory, pids and CPU limits, drops capabilities and sets no-new-privileges", async () => {
    const s = spec();
    const handle = await create({
      ...s,
      limits: { ...s.limits, memoryBytes: 96 * 1024 * 1024, pids: 64, cpuMillis: 500 },
    });
    const info = await docker.getContainer(String(handle.ref["containerId"])).inspect();
    assert.equal(info.HostConfig.Memory, 96 * 1024 * 1024);
    assert.equal(info.HostConfig.PidsLimit, 64);
    assert.equal(info.HostConfig.NanoCpus, 5e8);
    assert.equal(info.HostConfig.ReadonlyRootfs, true);
    assert.equal(info.Config.Labels["dev.c8s.owner"], owner);
    const status = await sh(runtime, handle, "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status");
    assert.match(status, /CapEff:\s+0000000000000000/);
    assert.match(status, /NoNewPrivs:\s+1/);
    const limit = await sh(
      runtime,
      handle,
      "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes",
    );
    assert.equal(limit.trim(), String(96 * 1024 * 1024));
  });

  void it("puts sandboxes of one group in one network namespace: loopback shared, nothing else; the holder goes with the last", async () => {
    await checkGroupSharesLoopback(t, `g${process.pid}`);
  });

  void it("fails with IMAGE_NOT_FOUND and a hint when a local image is missing", async () => {
    await assert.rejects(runtime.create(spec({ image: "localhost/c8s-does-not-exist:1" })), (e: unknown) => {
      assert.ok(e instanceof C8sError);
      assert.equal(e.code, "IMAGE_NOT_FOUND");
      assert.match(e.hint ?? "", /localhost\//);
      return true;
    });
    assert.ok(logged.includes("pulling image"), "the pull attempt is logged");
  });
});
