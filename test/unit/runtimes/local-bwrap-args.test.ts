import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultSpec } from "../../../src/runtimes/conformance/helpers.ts";
import {
  buildBwrapArgs,
  buildExecEnv,
  buildLaunchArgv,
  type HostFacts,
  type LaunchLayout,
  SANDBOX_SUPERVISOR_PATH,
} from "../../../src/runtimes/local/bwrap-args.ts";
import { versionAtLeast } from "../../../src/runtimes/local/host-facts.ts";

const facts: HostFacts = {
  systemDirs: ["/usr", "/etc"],
  rootSymlinks: { "/bin": "usr/bin", "/lib": "usr/lib" },
  maskFiles: ["/etc/shadow", "/etc/gshadow"],
  maskDirs: ["/etc/ssl/private"],
  bwrapDisableUserns: true,
};

const layout: LaunchLayout = {
  supervisorPath: "/var/lib/c8s/bin/supervisor-abc",
  runDir: "/var/lib/c8s/sandboxes/sbx_1/run",
  workspaceDir: "/var/lib/c8s/sandboxes/sbx_1/workspace",
  hostUid: 2000123,
  hostGid: 2000123,
  cgroupProcs: ["/sys/fs/cgroup/memory/c8s/sbx_1/cgroup.procs"],
  rlimits: { fsize: 1024 },
};

/** The value following each occurrence of `flag` (pairs like --ro-bind SRC DEST give SRC). */
function after(args: string[], flag: string, width = 1): string[][] {
  const out: string[][] = [];
  args.forEach((a, i) => {
    if (a === flag) out.push(args.slice(i + 1, i + 1 + width));
  });
  return out;
}

void test("every namespace is unshared; network only when mode is none", () => {
  const table: Array<[ReturnType<typeof defaultSpec>["network"], boolean]> = [
    [{ mode: "none" }, true],
    [{ mode: "host" }, false],
    [{ mode: "group", group: "run-1" }, false],
  ];
  for (const [network, unshareNet] of table) {
    const args = buildBwrapArgs(defaultSpec({ network }), facts, layout);
    for (const flag of [
      "--unshare-user",
      "--unshare-pid",
      "--unshare-ipc",
      "--unshare-uts",
      "--disable-userns",
      "--die-with-parent",
      "--new-session",
      "--as-pid-1",
      "--clearenv",
    ]) {
      assert.ok(args.includes(flag), `${flag} missing for ${network.mode}`);
    }
    assert.equal(args.includes("--unshare-net"), unshareNet, network.mode);
    assert.deepEqual(after(args, "--cap-drop"), [["ALL"]]);
  }
});

void test("host root: system dirs read-only, merged-/usr symlinks, secrets masked, root remounted read-only", () => {
  const args = buildBwrapArgs(defaultSpec(), facts, layout);
  assert.deepEqual(after(args, "--ro-bind", 2).slice(0, 4), [
    ["/usr", "/usr"],
    ["/etc", "/etc"],
    ["/dev/null", "/etc/shadow"],
    ["/dev/null", "/etc/gshadow"],
  ]);
  assert.deepEqual(after(args, "--symlink", 2), [
    ["usr/bin", "/bin"],
    ["usr/lib", "/lib"],
  ]);
  assert.deepEqual(after(args, "--tmpfs"), [["/etc/ssl/private"], ["/tmp"]]);
  assert.ok(!args.includes("/root"), "/root must never be bound");
  assert.deepEqual(after(args, "--proc"), [["/proc"]]);
  assert.deepEqual(after(args, "--dev"), [["/dev"]]);
  const remount = args.lastIndexOf("--remount-ro");
  assert.equal(args[remount + 1], "/");
  assert.ok(remount > args.lastIndexOf("--bind"), "the root is remounted read-only after every mount point exists");
  assert.equal(args.at(-1), "/workspace");
  assert.equal(args.at(-2), "--chdir");
});

void test("a root filesystem directory replaces the host dirs", () => {
  const args = buildBwrapArgs(defaultSpec({ image: "/srv/rootfs/alpine" }), facts, layout);
  assert.deepEqual(after(args, "--ro-bind", 2)[0], ["/srv/rootfs/alpine", "/"]);
  assert.ok(!args.includes("/usr"));
  assert.ok(!args.includes("--symlink"));
});

void test("workspace, extra mounts, supervisor and socket dir are bound", () => {
  const spec = defaultSpec({
    workdir: "/home/user/project/",
    mounts: [
      { source: "/data/cache", target: "/cache", readOnly: false },
      { source: "/data/ref", target: "/ref", readOnly: true },
    ],
    hostname: "box",
  });
  const args = buildBwrapArgs(spec, facts, layout);
  assert.deepEqual(after(args, "--bind", 2), [
    [layout.workspaceDir, "/home/user/project"],
    ["/data/cache", "/cache"],
  ]);
  assert.ok(!args.some((a) => a.startsWith(layout.runDir)), "the socket dir is never visible in the sandbox");
  assert.ok(after(args, "--ro-bind", 2).some(([s, d]) => s === "/data/ref" && d === "/ref"));
  assert.ok(after(args, "--ro-bind", 2).some(([s, d]) => s === layout.supervisorPath && d === SANDBOX_SUPERVISOR_PATH));
  assert.deepEqual(after(args, "--hostname"), [["box"]]);
});

void test("/tmp is a tmpfs of the sandbox's diskBytes where bwrap has --size, unsized where it has not", () => {
  const spec = defaultSpec({ limits: { ...defaultSpec().limits, diskBytes: 64 * 1024 * 1024 } });
  const table: Array<[boolean | undefined, string[]]> = [
    [true, ["--size", String(64 * 1024 * 1024), "--tmpfs", "/tmp"]],
    [false, ["--dev", "/dev", "--tmpfs", "/tmp"]],
    [undefined, ["--dev", "/dev", "--tmpfs", "/tmp"]],
  ];
  for (const [bwrapTmpfsSize, expected] of table) {
    const args = buildBwrapArgs(spec, { ...facts, bwrapTmpfsSize }, layout);
    const at = args.indexOf("/tmp");
    assert.deepEqual(
      args.slice(at - expected.length + 1, at + 1),
      expected,
      `bwrapTmpfsSize=${String(bwrapTmpfsSize)}`,
    );
    // --size applies only to the next --tmpfs: the masked secret dirs stay unsized.
    assert.equal(args.filter((a) => a === "--size").length, bwrapTmpfsSize === true ? 1 : 0);
  }
});

void test("workdir /tmp is the tmpfs itself, not a bind", () => {
  const args = buildBwrapArgs(defaultSpec({ workdir: "/tmp" }), facts, layout);
  assert.deepEqual(after(args, "--bind", 2), []);
});

void test("launch argv: cgroups, rlimits, uid drop, then bwrap, then the supervisor", () => {
  const argv = buildLaunchArgv(
    defaultSpec(),
    facts,
    { ...layout, netnsPath: "/run/netns/c8s-x", rlimits: { nproc: 64, fsize: 1024 } },
    "/usr/bin/bwrap",
  );
  const sep = argv.indexOf("--");
  assert.deepEqual(argv.slice(0, sep), [
    layout.supervisorPath,
    "launch",
    "--listen",
    "/var/lib/c8s/sandboxes/sbx_1/run/sock",
    "--cgroup-procs",
    "/sys/fs/cgroup/memory/c8s/sbx_1/cgroup.procs",
    "--netns",
    "/run/netns/c8s-x",
    "--rlimit-nproc",
    "64",
    "--rlimit-fsize",
    "1024",
    "--gid",
    "2000123",
    "--uid",
    "2000123",
  ]);
  assert.equal(argv[sep + 1], "/usr/bin/bwrap");
  assert.deepEqual(argv.slice(-5), ["--", SANDBOX_SUPERVISOR_PATH, "serve", "--fd", "3"]);
  const noUid = buildLaunchArgv(defaultSpec(), facts, { ...layout, hostUid: null, hostGid: null, cgroupProcs: [] });
  const launcher = noUid.slice(0, noUid.indexOf("--"));
  assert.ok(!launcher.includes("--uid") && !launcher.includes("--cgroup-procs"), launcher.join(" "));
});

void test("bwrap older than 0.8 gets no --disable-userns", () => {
  assert.ok(
    !buildBwrapArgs(defaultSpec(), { ...facts, bwrapDisableUserns: false }, layout).includes("--disable-userns"),
  );
  assert.equal(versionAtLeast("0.8.0", [0, 8, 0]), true);
  assert.equal(versionAtLeast("0.11", [0, 8, 0]), true);
  assert.equal(versionAtLeast("0.7.9", [0, 8, 0]), false);
  assert.equal(versionAtLeast(null, [0, 8, 0]), false);
});

void test("exec env: defaults, then sandbox env, then exec env", () => {
  const env = buildExecEnv({ env: { A: "1", PATH: "/opt/bin" }, workdir: "/w" }, { A: "2" }, true);
  assert.deepEqual(env, { PATH: "/opt/bin", HOME: "/w", LANG: "C.UTF-8", TERM: "xterm-256color", A: "2" });
  assert.equal(buildExecEnv({ env: {}, workdir: "/w" }, undefined, false)["TERM"], undefined);
});
