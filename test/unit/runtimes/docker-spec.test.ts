import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { C8sError } from "../../../src/errors/index.ts";
import { defaultSpec } from "../../../src/runtimes/conformance/helpers.ts";
import {
  buildCreateBody,
  containerName,
  dockerName,
  buildGroupHolderBody,
  buildVolumeBody,
  groupHolderName,
  KEEPALIVE_COMMAND,
  labelKeys,
  parseDockerUlimits,
  tmpVolumeName,
  workspaceVolumeName,
} from "../../../src/runtimes/docker/spec.ts";
import type { SandboxSpec } from "../../../src/runtimes/types.ts";

const keys = labelKeys("dev.c8s.owner");
const options = { labels: keys, defaultImage: "localhost/c8s-busybox:latest" };
const base = (overrides: Partial<SandboxSpec> = {}): SandboxSpec =>
  defaultSpec({ id: "sbx_1", owner: "me", ...overrides });

void describe("docker create body", () => {
  void it("derives sibling label keys from the owner key", () => {
    assert.deepEqual(keys, {
      owner: "dev.c8s.owner",
      sandbox: "dev.c8s.sandbox",
      role: "dev.c8s.role",
      workdir: "dev.c8s.workdir",
      group: "dev.c8s.group",
    });
  });

  void it("is locked down by default", () => {
    const body = buildCreateBody(base(), options);
    const host = body.HostConfig ?? {};
    assert.equal(host.ReadonlyRootfs, true);
    assert.deepEqual(host.CapDrop, ["ALL"]);
    assert.deepEqual(host.SecurityOpt, ["no-new-privileges"]);
    assert.equal(host.NetworkMode, "none");
    assert.equal(host.Init, true);
    assert.equal(host.Privileged, undefined);
    assert.deepEqual(body.Entrypoint, KEEPALIVE_COMMAND);
    assert.equal(body.Image, "localhost/c8s-busybox:latest");
    assert.equal(body.WorkingDir, "/workspace");
  });

  const limitCases: Array<[string, Partial<SandboxSpec["limits"]>, Record<string, unknown>]> = [
    ["defaults", {}, { Memory: 512 * 1024 * 1024, MemorySwap: 512 * 1024 * 1024, PidsLimit: 256, NanoCpus: 1e9 }],
    [
      "half a core, 64 MiB",
      { cpuMillis: 500, memoryBytes: 64 * 1024 * 1024 },
      { NanoCpus: 5e8, Memory: 67108864, MemorySwap: 67108864 },
    ],
    ["pids 10", { pids: 10 }, { PidsLimit: 10 }],
  ];
  for (const [name, limits, expected] of limitCases) {
    void it(`maps limits: ${name}`, () => {
      const spec = base();
      const body = buildCreateBody({ ...spec, limits: { ...spec.limits, ...limits } }, options);
      for (const [key, value] of Object.entries(expected)) {
        assert.equal((body.HostConfig as Record<string, unknown>)[key], value, key);
      }
    });
  }

  void it("adds the runtime's ulimits (Podman) to every sandbox and the group holder; fsize stays the spec's", () => {
    const ulimits = [
      { Name: "nofile", Soft: 1024, Hard: 1024 },
      { Name: "fsize", Soft: 1, Hard: 1 },
      { Name: "nproc", Soft: 4096, Hard: 4096 },
    ];
    const spec = base();
    const body = buildCreateBody({ ...spec, limits: { ...spec.limits, fileSizeBytes: 4096 } }, { ...options, ulimits });
    assert.deepEqual(body.HostConfig?.Ulimits, [
      { Name: "fsize", Soft: 4096, Hard: 4096 },
      { Name: "nofile", Soft: 1024, Hard: 1024 },
      { Name: "nproc", Soft: 4096, Hard: 4096 },
    ]);
    assert.deepEqual(buildGroupHolderBody("g", "me", { ...options, ulimits }).HostConfig?.Ulimits, ulimits);
    assert.equal(buildGroupHolderBody("g", "me", options).HostConfig?.Ulimits, undefined, "engine defaults otherwise");
  });

  void it("reads C8S_DOCKER_ULIMITS", () => {
    assert.equal(parseDockerUlimits(undefined), undefined);
    assert.equal(parseDockerUlimits("  "), undefined);
    assert.deepEqual(parseDockerUlimits("nofile=1024:2048, nproc=4096"), [
      { Name: "nofile", Soft: 1024, Hard: 2048 },
      { Name: "nproc", Soft: 4096, Hard: 4096 },
    ]);
    for (const bad of ["nofile", "nofile=2:1", "fsize=10", "nofile=1024,", "NOFILE=-1"]) {
      assert.throws(
        () => parseDockerUlimits(bad),
        (e: unknown) => e instanceof C8sError && e.code === "CONFIG_INVALID",
        bad,
      );
    }
  });

  void it("caps file size with the fsize ulimit", () => {
    const spec = base();
    const body = buildCreateBody({ ...spec, limits: { ...spec.limits, fileSizeBytes: 4096 } }, options);
    assert.deepEqual(body.HostConfig?.Ulimits, [{ Name: "fsize", Soft: 4096, Hard: 4096 }]);
  });

  const networkCases: Array<[SandboxSpec["network"], string]> = [
    [{ mode: "none" }, "none"],
    [{ mode: "host" }, "host"],
    [{ mode: "group", group: "run_42" }, "container:c8s-group-run_42"],
    [{ mode: "group", group: "a/b c" }, "container:c8s-group-a_b_c"],
  ];
  for (const [network, mode] of networkCases) {
    void it(`network ${JSON.stringify(network)} → ${mode}`, () => {
      assert.equal(buildCreateBody(base({ network }), options).HostConfig?.NetworkMode, mode);
    });
  }

  void it("uses a fresh workspace volume and a /tmp volume", () => {
    const mounts = buildCreateBody(base(), options).HostConfig?.Mounts;
    assert.deepEqual(mounts, [
      { Type: "volume", Source: "c8s-sbx_1-workspace", Target: "/workspace", ReadOnly: false },
      { Type: "volume", Source: "c8s-sbx_1-tmp", Target: "/tmp", ReadOnly: false },
    ]);
  });

  void it("binds workspaceSource and extra mounts", () => {
    const mounts = buildCreateBody(
      base({ workspaceSource: "/srv/clone", mounts: [{ source: "/cache", target: "/cache", readOnly: true }] }),
      options,
    ).HostConfig?.Mounts;
    assert.deepEqual(mounts, [
      { Type: "bind", Source: "/srv/clone", Target: "/workspace", ReadOnly: false },
      { Type: "volume", Source: "c8s-sbx_1-tmp", Target: "/tmp", ReadOnly: false },
      { Type: "bind", Source: "/cache", Target: "/cache", ReadOnly: true },
    ]);
  });

  void it("labels the container with owner, id, workdir and the spec's labels; owner labels win", () => {
    const body = buildCreateBody(base({ labels: { team: "x", "dev.c8s.owner": "spoofed" } }), options);
    assert.deepEqual(body.Labels, {
      team: "x",
      "dev.c8s.owner": "me",
      "dev.c8s.sandbox": "sbx_1",
      "dev.c8s.workdir": "/workspace",
    });
  });

  void it("passes env, hostname and the spec's image", () => {
    const body = buildCreateBody(
      base({ env: { A: "1", B: "x=y" }, hostname: "box", image: "localhost/c8s-debian:bookworm" }),
      options,
    );
    assert.deepEqual(body.Env, ["A=1", "B=x=y"]);
    assert.equal(body.Hostname, "box");
    assert.equal(body.Image, "localhost/c8s-debian:bookworm");
  });

  const badPaths: Array<[string, Partial<SandboxSpec>]> = [
    ["relative workdir", { workdir: "workspace" }],
    ["workdir with ..", { workdir: "/a/../etc" }],
    ["relative mount target", { mounts: [{ source: "/x", target: "x", readOnly: true }] }],
  ];
  for (const [name, overrides] of badPaths) {
    void it(`rejects ${name}`, () => {
      assert.throws(
        () => buildCreateBody(base(overrides), options),
        (e: unknown) => e instanceof C8sError && e.code === "INVALID_ARGUMENT",
      );
    });
  }

  void it("rejects non-positive limits", () => {
    const spec = base();
    assert.throws(
      () => buildCreateBody({ ...spec, limits: { ...spec.limits, memoryBytes: 0 } }, options),
      (e: unknown) => e instanceof C8sError && e.code === "INVALID_ARGUMENT",
    );
  });

  void it("a group member joins the holder's network namespace, carries the group label and sets no hostname", () => {
    const body = buildCreateBody(base({ network: { mode: "group", group: "run_7" }, hostname: "cache" }), options);
    assert.equal(body.HostConfig?.NetworkMode, "container:c8s-group-run_7");
    assert.equal(body.Labels?.["dev.c8s.group"], "run_7");
    assert.equal(body.Hostname, undefined, "Docker refuses a hostname in another container's namespaces");
    assert.equal(buildCreateBody(base({ hostname: "cache" }), options).Hostname, "cache");
    assert.equal(buildCreateBody(base(), options).Labels?.["dev.c8s.group"], undefined);
  });

  void it("the group holder has loopback only, no capabilities and small limits", () => {
    const body = buildGroupHolderBody("run_7", "me", options);
    const host = body.HostConfig ?? {};
    assert.equal(host.NetworkMode, "none");
    assert.deepEqual(host.CapDrop, ["ALL"]);
    assert.deepEqual(host.SecurityOpt, ["no-new-privileges"]);
    assert.equal(host.ReadonlyRootfs, true);
    assert.ok((host.Memory ?? 0) > 0 && (host.Memory ?? 0) <= 64 * 1024 * 1024);
    assert.ok((host.PidsLimit ?? 0) > 0 && (host.PidsLimit ?? 0) <= 16);
    assert.deepEqual(body.Labels, { "dev.c8s.owner": "me", "dev.c8s.role": "group-holder", "dev.c8s.group": "run_7" });
    assert.equal(body.Image, options.defaultImage);
  });

  void it("/tmp is a tmpfs-backed volume of diskBytes; the workspace a plain volume", () => {
    const spec = base({ limits: { ...base().limits, diskBytes: 64 * 1024 * 1024 } });
    const tmp = buildVolumeBody(spec, tmpVolumeName("sbx_1"), "tmp", keys);
    assert.deepEqual(tmp, {
      Name: "c8s-sbx_1-tmp",
      Labels: { "dev.c8s.owner": "me", "dev.c8s.role": "tmp", "dev.c8s.sandbox": "sbx_1" },
      Driver: "local",
      DriverOpts: { type: "tmpfs", device: "tmpfs", o: "size=67108864,mode=1777,nosuid,nodev" },
    });
    const workspace = buildVolumeBody(spec, workspaceVolumeName("sbx_1"), "workspace", keys);
    assert.deepEqual(workspace, {
      Name: "c8s-sbx_1-workspace",
      Labels: { "dev.c8s.owner": "me", "dev.c8s.role": "workspace", "dev.c8s.sandbox": "sbx_1" },
    });
    assert.throws(
      () => buildVolumeBody(base({ limits: { ...base().limits, diskBytes: 0 } }), "x", "tmp", keys),
      (e: unknown) => e instanceof C8sError && e.code === "INVALID_ARGUMENT",
    );
  });

  void it("names Docker objects within Docker's alphabet", () => {
    assert.equal(containerName("sbx_01h"), "c8s-sbx_01h");
    assert.equal(workspaceVolumeName("sbx_1"), "c8s-sbx_1-workspace");
    assert.equal(tmpVolumeName("sbx_1"), "c8s-sbx_1-tmp");
    assert.equal(groupHolderName("run:1"), "c8s-group-run_1");
    assert.equal(dockerName("_x"), "c8s_x");
  });
});
