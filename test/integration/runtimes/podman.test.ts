/**
 * The docker runtime against Podman's Docker-compatible API (`podman system service`,
 * scripts/podman-test-engine.sh): the shared conformance suite, then the places where Podman
 * differs from dockerd and c8s handles the difference (docs/docker.md, "Podman").
 *
 * The engine comes from C8S_PODMAN_HOST (not DOCKER_HOST), so a Docker run and a Podman run
 * coexist in one test run: `eval "$(bash scripts/podman-test-engine.sh env)"`.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import Docker from "dockerode";
import { C8sError } from "../../../src/errors/index.ts";
import { defaultSpec, runtimeConformance, sh } from "../../../src/runtimes/conformance/index.ts";
import { createDockerRuntime, type DockerUlimit } from "../../../src/runtimes/docker/index.ts";
import { dockerOptionsFor } from "../../../src/runtimes/docker/connection.ts";
import type { Runtime } from "../../../src/runtimes/types.ts";
import {
  checkGroupSharesLoopback,
  dockerConformanceHooks,
  dockerRuntimeTestContext,
  probeDockerEngine,
  TEST_IMAGE,
} from "../../fixtures/docker-engine.ts";

/**
 * A create body naming any ulimit (c8s always names fsize) makes Podman drop its
 * containers.conf default_ulimits and, as root, ask for nofile/nproc 1048576: refused on hosts
 * where rlimits cannot be raised (these machines). Soft == hard, well under any host's limits.
 */
const PODMAN_ULIMITS: DockerUlimit[] = [
  { Name: "nofile", Soft: 1024, Hard: 1024 },
  { Name: "nproc", Soft: 4096, Hard: 4096 },
];

async function probePodman(): Promise<{ host: string; skip: string | undefined }> {
  const host = process.env["C8S_PODMAN_HOST"]?.trim() ?? "";
  if (host === "")
    return {
      host,
      skip: 'C8S_PODMAN_HOST is not set; run `bash scripts/podman-test-engine.sh start` and eval "$(bash scripts/podman-test-engine.sh env)"',
    };
  const engine = await probeDockerEngine({ DOCKER_HOST: host });
  if (engine.skipReason !== undefined)
    return { host, skip: engine.skipReason.replaceAll("docker-test-engine.sh", "podman-test-engine.sh") };
  const version = (await new Docker(dockerOptionsFor(host)).version()) as { Components?: Array<{ Name?: string }> };
  if (!(version.Components ?? []).some((c) => /podman/i.test(c.Name ?? "")))
    return { host, skip: `the engine at ${host} is not Podman (C8S_PODMAN_HOST must name Podman's socket)` };
  return { host, skip: undefined };
}

const podman = await probePodman();
const owner = `c8s-podman-test-${process.pid}`;

if (podman.skip !== undefined) {
  void it(`podman runtime conformance skipped: ${podman.skip}`, { skip: podman.skip }, () => undefined);
} else {
  runtimeConformance({
    name: "docker runtime on Podman (busybox)",
    makeRuntime: () =>
      createDockerRuntime({ dockerHost: podman.host, defaultImage: TEST_IMAGE, ulimits: PODMAN_ULIMITS }),
    makeSpec: (overrides) => defaultSpec({ image: TEST_IMAGE, ...overrides }),
    skip: [
      {
        reason:
          "the workspace is a plain volume: Podman's local volume driver, like Docker's, has no size for disk-backed volumes (only /tmp, a tmpfs-backed volume, has the quota)",
        tests: ["disk: writing past diskBytes in the workspace fails with ENOSPC or ends the sandbox with reason disk"],
      },
    ],
    ...dockerConformanceHooks(podman.host),
  });
}

void describe("docker runtime on Podman: where Podman differs", { skip: podman.skip }, () => {
  const t = dockerRuntimeTestContext(podman.host, owner, { ulimits: PODMAN_ULIMITS });
  const { logged, spec, create } = t;
  let runtime: Runtime;
  before(() => {
    runtime = t.runtime();
  });

  void it("without the ulimits option a sandbox starts, or fails saying the engine's ulimits are the cause", async () => {
    const bare = await createDockerRuntime({ dockerHost: podman.host, defaultImage: TEST_IMAGE });
    try {
      const handle = await create(spec(), bare);
      assert.equal(await sh(bare, handle, "echo up"), "up");
      await bare.destroy(handle);
    } catch (error) {
      assert.ok(error instanceof C8sError, String(error));
      assert.equal(error.code, "SANDBOX_START_FAILED");
      assert.match(String(error.details["engineMessage"]), /setting rlimit type \d+/);
      assert.match(error.hint ?? "", /ulimits/);
    } finally {
      await bare.close();
    }
  });

  void it("the ulimits reach the sandbox (fsize from the spec, nofile/nproc from the option)", async () => {
    const handle = await create(spec());
    const limits = (await sh(runtime, handle, "ulimit -n; ulimit -Hn; ulimit -u; ulimit -f")).trim();
    assert.deepEqual(limits.split("\n"), ["1024", "1024", "4096", String((1024 * 1024 * 1024) / 512)]);
  });

  void it("Init: true runs Podman's init (catatonit) as PID 1, with the keep-alive as its child", async () => {
    const handle = await create(spec());
    const pid1 = await sh(runtime, handle, "tr '\\000' ' ' </proc/1/cmdline");
    assert.match(pid1, /catatonit|tini|init/);
    assert.doesNotMatch(pid1, /^sleep/);
  });

  void it("a network group is one namespace through `container:<holder>`: loopback shared, nothing else", async () => {
    await checkGroupSharesLoopback(t, `p${process.pid}`);
  });

  void it("a missing local image is IMAGE_NOT_FOUND although Podman answers the pull 200 and streams the error", async () => {
    await assert.rejects(runtime.create(spec({ image: "localhost/c8s-does-not-exist:1" })), (e: unknown) => {
      assert.ok(e instanceof C8sError, String(e));
      assert.equal(e.code, "IMAGE_NOT_FOUND");
      assert.match(String(e.details["engineMessage"]), /localhost\/c8s-does-not-exist/);
      return true;
    });
    assert.ok(logged.includes("pulling image") && !logged.includes("image pulled"));
  });
});
