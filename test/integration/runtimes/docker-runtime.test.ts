/** Docker-specific behaviour beyond the shared conformance suite, against a real dockerd. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { C8sError } from "../../../src/errors/index.ts";
import { run, sh } from "../../../src/runtimes/conformance/index.ts";
import { createDockerRuntime } from "../../../src/runtimes/docker/index.ts";
import type { Runtime } from "../../../src/runtimes/types.ts";
import { shellCommand } from "../../../src/runtimes/types.ts";
import {
  checkGroupSharesLoopback,
  dockerRuntimeTestContext,
  probeDockerEngine,
  TEST_IMAGE,
} from "../../fixtures/docker-engine.ts";

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

  void it("reports an exec that blows the memory limit as oom", async () => {
    const s = spec();
    const handle = await create({ ...s, limits: { ...s.limits, memoryBytes: 32 * 1024 * 1024 } });
    const r = await run(runtime, handle, { command: shellCommand('x=a; while :; do x="$x$x"; done') });
    assert.equal(r.result.reason, "oom");
  });

  void it("uses workspaceSource as the workspace (bind mount)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "c8s-docker-ws-"));
    try {
      await writeFile(join(dir, "from-host.txt"), "host");
      const handle = await create(spec({ workspaceSource: dir }));
      assert.equal(await sh(runtime, handle, "cat from-host.txt && echo sandbox > from-sandbox.txt"), "host");
      assert.equal(await readFile(join(dir, "from-sandbox.txt"), "utf8"), "sandbox\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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

  void it("waitExit says signal when something outside c8s kills the container, killed after destroy", async () => {
    const handle = await create(spec());
    await docker.getContainer(String(handle.ref["containerId"])).kill({ signal: "SIGKILL" });
    assert.equal((await runtime.waitExit(handle)).reason, "signal");
    const other = await create(spec());
    const waiting = runtime.waitExit(other);
    await runtime.destroy(other);
    assert.equal((await waiting).reason, "killed");
  });

  void it("listOwned finds orphans left by another instance, and destroy cleans them with their volumes", async () => {
    const orphanOwner = `${owner}-orphan`;
    const handle = await runtime.create(spec({ owner: orphanOwner }));
    const other = await createDockerRuntime({ dockerHost: engine.dockerHost, defaultImage: TEST_IMAGE });
    const found = await other.listOwned(orphanOwner);
    assert.deepEqual(
      found.map((o) => o.id),
      [handle.id],
    );
    assert.equal(found[0]?.handle.ref["workdir"], "/workspace");
    await other.destroy(found[0]!.handle);
    assert.deepEqual(await other.listOwned(orphanOwner), []);
    const volumes = await docker.listVolumes({ filters: { label: [`dev.c8s.owner=${orphanOwner}`] } });
    assert.deepEqual(volumes.Volumes ?? [], []);
  });
});
