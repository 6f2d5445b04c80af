/**
 * Local runtime beyond the conformance suite: crash recovery, the unisolated mode and its
 * refusal without opt-in, group networks, and doctor — all against the real host.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { defaultSpec, finish, run, sh } from "../../../src/runtimes/conformance/index.ts";
import { runDoctor } from "../../../src/runtimes/local/index.ts";
import { netnsName } from "../../../src/runtimes/local/network-groups.ts";
import { shellCommand, type SandboxHandle } from "../../../src/runtimes/types.ts";
import { makeLocalRuntime, makeTestStateDir, TEST_SUPERVISOR_CACHE } from "../../fixtures/runtime-local.ts";

function hostPidsMatching(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ").includes(text)) pids.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`gave up waiting: ${what}`);
}

const isRoot = process.getuid?.() === 0;

void test("after a kill -9 of the Node process, nothing runs and listOwned + destroy remove every leftover", async () => {
  const stateDir = makeTestStateDir();
  const owner = `crash-${process.pid}`;
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(import.meta.dirname, "../../fixtures/runtime-local-crash-child.ts"),
      stateDir,
      TEST_SUPERVISOR_CACHE,
      owner,
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (c: Buffer) => {
      buf += c.toString();
      if (buf.includes("\n")) resolve(buf.split("\n")[0] as string);
    });
    child.once("exit", (code) => reject(new Error(`crash child exited early (${code})`)));
  });
  const handle = JSON.parse(line) as SandboxHandle;
  assert.equal(hostPidsMatching("sleep 4545").length, 1, "positive control: the sandbox's process runs");
  child.kill("SIGKILL");
  await until(
    () => hostPidsMatching("sleep 4545").length === 0,
    "the sandbox dies with its parent (--die-with-parent)",
  );

  const runtime = makeLocalRuntime({ stateDir });
  const owned = await runtime.listOwned(owner);
  assert.deepEqual(
    owned.map((o) => o.id),
    [handle.id],
  );
  const dir = String(handle.ref["dir"]);
  assert.ok(existsSync(dir), "positive control: the state dir was left behind");
  const workspaceMounted = () => readFileSync("/proc/self/mountinfo", "utf8").includes(` ${join(dir, "workspace")} `);
  if (isRoot) assert.ok(workspaceMounted(), "positive control: the workspace's disk-quota mount was left behind");
  await runtime.destroy(owned[0]?.handle as SandboxHandle);
  assert.equal(existsSync(dir), false);
  assert.equal(workspaceMounted(), false, "the disk-quota mount is gone");
  for (const ctrl of ["memory", "pids", "cpu"])
    assert.equal(existsSync(`/sys/fs/cgroup/${ctrl}/c8s/${handle.id}`), false);
  assert.deepEqual(await runtime.listOwned(owner), []);
});

void test("sandboxes share a workspaceSource (even under a 0700 dir): both write, the host keeps it, destroy spares the other", async () => {
  const home = makeTestStateDir("c8s-shared-ws-");
  const source = join(home, "clone");
  mkdirSync(source);
  writeFileSync(join(source, "README"), "from host\n");
  const runtime = makeLocalRuntime();
  const a = await runtime.create(defaultSpec({ workspaceSource: source }));
  const b = await runtime.create(defaultSpec({ workspaceSource: source }));
  try {
    assert.equal(
      await sh(runtime, a, "cat README; echo a > a.txt; sleep 4646 >/dev/null 2>&1 & echo ok"),
      "from host\nok\n",
    );
    assert.equal(await sh(runtime, b, "cat a.txt; echo b > b.txt; echo ok"), "a\nok\n");
    assert.equal(readFileSync(join(source, "b.txt"), "utf8"), "b\n");
    await runtime.destroy(b);
    assert.equal(hostPidsMatching("sleep 4646").length, 1, "destroying b spared a's process");
    await runtime.destroy(a);
    assert.deepEqual(hostPidsMatching("sleep 4646"), []);
    assert.equal(readFileSync(join(source, "a.txt"), "utf8"), "a\n", "the shared workspace outlives its sandboxes");
  } finally {
    await runtime.destroy(a);
    await runtime.destroy(b);
    rmSync(home, { recursive: true, force: true });
  }
});

void test("without bubblewrap and without the opt-in, create fails with ISOLATION_UNAVAILABLE", async () => {
  const runtime = makeLocalRuntime({ bwrapPath: "/nonexistent/bwrap" });
  await assert.rejects(runtime.create(defaultSpec()), (error: { code?: string; hint?: string }) => {
    assert.equal(error.code, "ISOLATION_UNAVAILABLE");
    assert.match(error.hint ?? "", /apt-get install bubblewrap/);
    return true;
  });
  assert.equal((await runtime.capabilities()).isolated, false);
});

void test("the unisolated mode runs commands and files, loudly labelled", async () => {
  const runtime = makeLocalRuntime({ bwrapPath: null, allowUnisolated: true });
  const caps = await runtime.capabilities();
  assert.equal(caps.isolated, false);
  assert.ok(caps.notes.some((n) => n.startsWith("UNISOLATED")));
  const h = await runtime.create(defaultSpec({ env: { X: "1" } }));
  try {
    const r = await run(runtime, h, { command: shellCommand('echo "$X"; pwd') });
    assert.equal(r.out.split("\n")[0], "1");
    await runtime.files.write(h, "f.txt", Buffer.from("data"));
    assert.equal(await sh(runtime, h, "cat f.txt"), "data");
    await assert.rejects(runtime.files.read(h, "/etc/passwd"), { code: "PATH_OUTSIDE_SANDBOX" });
  } finally {
    await runtime.destroy(h);
  }
});

void test(
  "sandboxes of one network group reach each other on loopback; other sandboxes do not",
  { skip: isRoot ? false : "group networks need root" },
  async () => {
    const runtime = makeLocalRuntime();
    const group = `g-${process.pid}`;
    const server = await runtime.create(defaultSpec({ network: { mode: "group", group } }));
    const peer = await runtime.create(defaultSpec({ network: { mode: "group", group } }));
    const stranger = await runtime.create(defaultSpec());
    try {
      const proc = await runtime.exec(server, {
        command: [
          "node",
          "-e",
          "require('net').createServer((s) => s.end('pong\\n')).listen(7777, '127.0.0.1', () => console.log('listening'))",
        ],
      });
      const done = finish(proc);
      await new Promise<void>((resolve) => proc.stdout.once("data", () => resolve()));
      assert.ok(existsSync(`/run/netns/${netnsName(group)}`), "positive control: the group namespace exists");
      const probe = ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/7777 && cat <&3"];
      assert.equal((await run(runtime, peer, { command: probe })).out, "pong\n");
      assert.notEqual((await run(runtime, stranger, { command: probe })).result.exitCode, 0);
      await proc.kill();
      await done;
    } finally {
      for (const h of [server, peer, stranger]) await runtime.destroy(h);
    }
    assert.equal(
      existsSync(`/run/netns/${netnsName(group)}`),
      false,
      "the group namespace is removed with its last member",
    );
  },
);

void test("doctor reports this host's isolation features with fixes for what is missing", async () => {
  const report = await runDoctor();
  const byId = new Map(report.checks.map((c) => [c.id, c]));
  assert.equal(byId.get("bwrap")?.status, "ok");
  assert.equal(byId.get("ns-pid")?.status, "ok");
  assert.equal(byId.get("ns-net")?.status, "ok");
  assert.equal(byId.get("seccomp")?.status, "ok", byId.get("seccomp")?.detail);
  assert.equal(byId.get("disk-tmp")?.status, "ok", "bubblewrap 0.8+ sizes /tmp");
  assert.equal(byId.get("disk-workspace")?.status, isRoot ? "ok" : "warn", byId.get("disk-workspace")?.detail);
  assert.equal(report.isolated, true);
  for (const c of report.checks) if (c.status !== "ok") assert.ok(c.fix, `${c.id} has no fix`);
  const missing = await runDoctor({ bwrapPath: "/nonexistent/bwrap", compiler: "/nonexistent/cc" });
  const bwrap = missing.checks.find((c) => c.id === "bwrap");
  assert.deepEqual([bwrap?.status, bwrap?.fix], ["fail", "apt-get install bubblewrap"]);
  assert.equal(missing.checks.find((c) => c.id === "compiler")?.fix, "apt-get install gcc libc6-dev");
  assert.equal(missing.isolated, false);
  assert.equal(missing.checks.find((c) => c.id === "disk-tmp")?.status, "warn", "no bwrap: /tmp is not sized");
});
