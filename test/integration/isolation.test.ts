/**
 * Isolation of the local runtime, proven against real bubblewrap and real cgroups (issue 2,
 * item 9). Each check has a positive control where one is possible, so it cannot pass vacuously.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { after, before, describe, it } from "node:test";
import { defaultSpec, finish, run, sh } from "../../src/runtimes/conformance/index.ts";
import { shellCommand, type Runtime, type SandboxHandle } from "../../src/runtimes/types.ts";
import { makeLocalRuntime } from "../fixtures/runtime-local.ts";

function hostPidsOfUid(uid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const m = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${name}/status`, "utf8"));
      if (m && Number(m[1]) === uid) pids.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

function hostPidsMatching(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ").includes(text)) pids.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

const isRoot = process.getuid?.() === 0;

void describe("local runtime isolation", () => {
  let runtime: Runtime;
  const handles: SandboxHandle[] = [];
  const create = async (overrides: Parameters<typeof defaultSpec>[0] = {}): Promise<SandboxHandle> => {
    const h = await runtime.create(defaultSpec(overrides));
    handles.push(h);
    return h;
  };

  before(() => {
    runtime = makeLocalRuntime();
  });
  after(async () => {
    for (const h of handles) await runtime.destroy(h).catch(() => undefined);
    await runtime.close();
  });

  void it("/root, /etc/shadow and another sandbox's workspace are unreadable", async () => {
    const a = await create();
    const b = await create();
    await sh(runtime, a, "echo top-secret > secret.txt");
    const aWorkspace = `${String(a.ref["dir"])}/workspace`;
    assert.ok(existsSync(`${aWorkspace}/secret.txt`), "positive control: the file exists on the host");
    assert.match(
      readFileSync("/etc/shadow", "utf8"),
      /^root:/m,
      "positive control: the host's /etc/shadow has content",
    );
    assert.equal(await sh(runtime, b, "cat /etc/shadow 2>/dev/null; true"), "", "/etc/shadow is masked");
    for (const file of ["/root/.bashrc", "/etc/gshadow", `${aWorkspace}/secret.txt`]) {
      const r = await run(runtime, b, { command: ["cat", file] });
      assert.ok(r.result.exitCode !== 0 && r.out === "", `${file} was readable: ${r.out}`);
    }
    for (const dir of ["/root", aWorkspace]) {
      const r = await run(runtime, b, { command: ["ls", "-a", dir] });
      assert.ok(r.result.exitCode !== 0 && r.out === "", `${dir} was listable: ${r.out}`);
    }
    assert.equal(await sh(runtime, a, "cat secret.txt"), "top-secret\n", "positive control: the owner reads it");
  });

  void it("writes outside the workspace and /tmp fail", async () => {
    const h = await create();
    for (const target of [
      "/etc/x",
      "/usr/x",
      "/var/x",
      "/home/x",
      "/root/x",
      "/x",
      "/.c8s/x",
      "/proc/sys/kernel/hostname",
    ]) {
      const r = await run(runtime, h, { command: shellCommand(`echo x > ${target}`) });
      assert.notEqual(r.result.exitCode, 0, `writing ${target} succeeded`);
    }
    await sh(runtime, h, "echo x > ok && echo x > /tmp/ok");
  });

  void it("the supervisor binary is read-only and its socket is not reachable from inside", async () => {
    const h = await create();
    assert.equal(await sh(runtime, h, "ls -A /.c8s"), "bin\n");
    const r = await run(runtime, h, {
      command: shellCommand("cp /bin/true /.c8s/bin/supervisor || rm -f /.c8s/bin/supervisor"),
    });
    assert.notEqual(r.result.exitCode, 0);
    const socket = `${String(h.ref["dir"])}/run/sock`;
    assert.ok(existsSync(socket), "positive control: the socket exists on the host");
    const inside = await run(runtime, h, { command: ["ls", socket] });
    assert.notEqual(inside.result.exitCode, 0, "the host socket path is visible in the sandbox");
    assert.equal(await sh(runtime, h, "echo still fine"), "still fine\n");
  });

  void it("no network when off: only lo, and the host's loopback server is unreachable", async () => {
    const server: Server = createServer((socket) => socket.end("hello from host\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const probe = shellCommand(`exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`);
    try {
      const off = await create();
      const denied = await run(runtime, off, { command: ["bash", "-c", probe[2] as string] });
      assert.notEqual(denied.result.exitCode, 0);
      assert.doesNotMatch(denied.out, /hello from host/);
      assert.equal(
        (await sh(runtime, off, "ls /sys/class/net 2>/dev/null || tail -n +3 /proc/net/dev | cut -d: -f1")).trim(),
        "lo",
      );
      const on = await create({ network: { mode: "host" } });
      const allowed = await run(runtime, on, { command: ["bash", "-c", probe[2] as string] });
      assert.equal(allowed.out, "hello from host\n", "positive control: with network host the server answers");
    } finally {
      server.close();
    }
  });

  void it("a fork bomb is contained by the pids limit and the host stays responsive", async () => {
    const h = await create({
      limits: { memoryBytes: 256 << 20, pids: 64, cpuMillis: 1000, fileSizeBytes: 1 << 30, diskBytes: 1 << 30 },
    });
    const r = await run(runtime, h, {
      command: shellCommand("(bomb() { bomb | bomb & }; bomb); while :; do :; done"),
      timeoutMs: 4000,
    });
    assert.equal(r.result.reason, "timeout");
    const events = `/sys/fs/cgroup/pids/c8s/${h.id}/pids.events`;
    if (existsSync(events)) assert.match(readFileSync(events, "utf8"), /^max [1-9]\d*$/m, "the pids limit was hit");
    assert.equal(await sh(runtime, h, "echo alive"), "alive\n", "the sandbox still works after the bomb");
    const other = await create();
    assert.equal(await sh(runtime, other, "echo host ok"), "host ok\n");
  });

  void it("a memory hog is killed and reported as oom", async (t) => {
    const caps = await runtime.capabilities();
    if (caps.limits.memory === null) return t.skip("no memory cgroup on this host");
    const h = await create({
      limits: { memoryBytes: 64 << 20, pids: 64, cpuMillis: 1000, fileSizeBytes: 1 << 30, diskBytes: 1 << 30 },
    });
    const r = await run(runtime, h, {
      command: shellCommand("x=$(head -c 400000000 /dev/zero | tr '\\0' a); echo survived"),
      timeoutMs: 60_000,
    });
    assert.equal(r.result.reason, "oom", JSON.stringify(r.result));
    assert.doesNotMatch(r.out, /survived/);
    assert.equal(await sh(runtime, h, "echo alive"), "alive\n");
  });

  void it("a timeout kills every process the command started", async () => {
    const h = await create();
    const r = await run(runtime, h, {
      command: shellCommand(
        "(setsid sh -c 'sleep 4242 & sleep 4242' &); (nohup sleep 4242 >/dev/null 2>&1 &); sleep 4242",
      ),
      timeoutMs: 1000,
    });
    assert.equal(r.result.reason, "timeout");
    assert.deepEqual(hostPidsMatching("sleep 4242"), []);
  });

  void it("no process outlives its sandbox; cgroups and state are removed", async () => {
    const h = await create();
    await sh(runtime, h, "(setsid sleep 4343 >/dev/null 2>&1 &); (sleep 4343 >/dev/null 2>&1 &)");
    assert.equal(hostPidsMatching("sleep 4343").length, 2, "positive control: the background processes run");
    const uid = h.ref["uid"];
    if (isRoot) {
      assert.ok(typeof uid === "number" && uid >= 1000, "sandboxes run as a per-sandbox unprivileged host uid");
      for (const pid of hostPidsMatching("sleep 4343")) {
        assert.match(readFileSync(`/proc/${pid}/status`, "utf8"), new RegExp(`^Uid:\\s+${uid}\\s`, "m"));
      }
    }
    await runtime.destroy(h);
    const left = hostPidsMatching("sleep 4343").map(
      (pid) =>
        readFileSync(`/proc/${pid}/status`, "utf8").split("\n").slice(0, 9).join(" ") +
        readFileSync(`/proc/${pid}/cmdline`, "utf8"),
    );
    assert.deepEqual(left, []);
    if (typeof uid === "number") {
      const byUid = hostPidsOfUid(uid).map((pid) =>
        readFileSync(`/proc/${pid}/status`, "utf8").split("\n").slice(0, 9).join(" "),
      );
      assert.deepEqual(byUid, []);
    }
    assert.equal(existsSync(String(h.ref["dir"])), false);
    for (const ctrl of ["memory", "pids", "cpu"]) assert.equal(existsSync(`/sys/fs/cgroup/${ctrl}/c8s/${h.id}`), false);
  });

  void it("one sandbox can neither see nor signal another's processes", async () => {
    const a = await create();
    const b = await create();
    const proc = await runtime.exec(a, { command: shellCommand("echo up; sleep 4444") });
    const done = finish(proc);
    await new Promise<void>((resolve) => proc.stdout.once("data", () => resolve()));
    const seen = await sh(runtime, b, "cat /proc/[0-9]*/cmdline | tr '\\000' ' '");
    assert.doesNotMatch(seen, /4444/);
    await run(runtime, b, {
      command: shellCommand("kill -9 -1; for p in $(seq 2 400); do kill -9 $p 2>/dev/null; done; true"),
    });
    const stillThere = await sh(runtime, a, "cat /proc/[0-9]*/cmdline | tr '\\000' ' '");
    assert.match(stillThere, /sleep 4444/, "A's process survived B's kill attempts");
    await proc.kill();
    assert.equal((await done).result.reason, "killed");
  });
});
