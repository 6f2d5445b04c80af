/**
 * Code in a sandbox is the attacker (issue 8, findings 4, 5 and 10's OOM). Each row is one attack
 * run by real code in a real bubblewrap sandbox against the real supervisor; the probe is
 * test/fixtures/native/attack-probe.c. Where a denial could also come from missing privileges
 * rather than the filter, the same probe runs on the host as an unprivileged user as the
 * positive control. A new attack idea is one more row.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { defaultSpec, finish, run, sh } from "../../../src/runtimes/conformance/index.ts";
import { shellCommand, type Runtime, type SandboxHandle } from "../../../src/runtimes/types.ts";
import { makeLocalRuntime } from "../../fixtures/runtime-local.ts";

const PROBE_SOURCE = new URL("../../fixtures/native/attack-probe.c", import.meta.url).pathname;
const DENIED_ERRNOS = new Set(["EPERM", "ENOSYS"]);

function parseProbe(out: string): Map<string, string> {
  return new Map(
    out
      .trim()
      .split("\n")
      .map((line) => line.split("=", 2) as [string, string]),
  );
}

interface Ctx {
  runtime: Runtime;
  sandbox: (limits?: Partial<ReturnType<typeof defaultSpec>["limits"]>) => Promise<SandboxHandle>;
  probe: (h: SandboxHandle, mode: string) => Promise<Map<string, string>>;
  hostProbe: (mode: string) => Map<string, string>;
}

/** Races a promise against a deadline; the deadline failing is the finding (a defeated timeout). */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const SYSCALLS_DENIED = [
  "ptrace",
  "process_vm_readv",
  "process_vm_writev",
  "pidfd_getfd",
  "kcmp",
  "keyctl",
  "add_key",
  "request_key",
  "io_uring_setup",
  "bpf",
  "perf_event_open",
  "userfaultfd",
  "mount",
  "umount2",
  "pivot_root",
  "chroot",
  "open_tree",
  "fsopen",
  "setns",
  "unshare_newns",
  "unshare_newuser",
  "clone3",
  "init_module",
  "finit_module",
  "delete_module",
  "kexec_load",
  "reboot",
  "swapon",
  "acct",
  "syslog",
  "open_by_handle_at",
  "name_to_handle_at",
  "fanotify_init",
  "settimeofday",
  "move_pages",
  "iopl",
  ...(process.arch === "x64" ? ["x32_getpid"] : []),
];

const cases: Array<{ name: string; attack: (ctx: Ctx, skip: (why: string) => void) => Promise<void> }> = [
  {
    name: "every syscall on the deny list fails with EPERM or ENOSYS, ordinary ones still work",
    attack: async ({ sandbox, probe, hostProbe }) => {
      const inside = await probe(await sandbox(), "syscalls");
      for (const name of SYSCALLS_DENIED) {
        assert.ok(DENIED_ERRNOS.has(inside.get(name) ?? "missing"), `${name} gave ${inside.get(name)} inside`);
      }
      assert.equal(inside.get("allowed_getpid"), "ok");
      assert.equal(inside.get("allowed_unshare_files"), "ok");
      // Positive control: unprivileged on the host (no filter) these calls get past the entry check,
      // so the denial inside is the filter's and not merely missing privileges.
      const host = hostProbe("syscalls");
      for (const name of ["keyctl", "kcmp", "io_uring_setup", "pidfd_getfd", "process_vm_readv", "clone3", "setns"]) {
        assert.ok(!DENIED_ERRNOS.has(host.get(name) ?? "EPERM"), `control: ${name} gave ${host.get(name)} on the host`);
      }
    },
  },
  {
    name: "the supervisor (pid 1) and the exec's shim cannot be traced, read, stopped or robbed of fds",
    attack: async ({ runtime, sandbox, probe }) => {
      const h = await sandbox();
      const inside = await probe(h, "supervisor");
      for (const [name, expected] of [
        ["ptrace_seize_1", DENIED_ERRNOS],
        ["open_proc_1_mem", new Set(["EACCES", "EPERM"])],
        ["open_proc_1_fd", new Set(["EACCES", "EPERM"])],
        ["readlink_proc_1_fd_3", new Set(["EACCES", "EPERM"])],
        ["open_proc_1_environ", new Set(["EACCES", "EPERM"])],
        ["pidfd_getfd_1_3", DENIED_ERRNOS],
        ["process_vm_readv_1", DENIED_ERRNOS],
        ["open_shim_mem", new Set(["EACCES", "EPERM"])],
        ["open_shim_fd", new Set(["EACCES", "EPERM"])],
        ["ptrace_seize_shim", DENIED_ERRNOS],
      ] as const) {
        assert.ok(expected.has(inside.get(name) ?? "missing"), `${name} gave ${inside.get(name)}`);
      }
      // The kernel drops SIGSTOP sent to a pid namespace's init from inside; the supervisor answers.
      assert.equal(await sh(runtime, h, "echo still-answering"), "still-answering\n");
    },
  },
  {
    name: "after every takeover attempt, later results are the supervisor's (no forged exit code or output)",
    attack: async (ctx) => {
      const h = await ctx.sandbox();
      await ctx.probe(h, "supervisor");
      await ctx.probe(h, "syscalls");
      const nonce = Math.random().toString(36).slice(2);
      const r = await run(ctx.runtime, h, { command: shellCommand(`echo ${nonce}; exit 7`) });
      assert.equal(r.out, `${nonce}\n`);
      assert.equal(r.result.exitCode, 7);
      assert.equal(r.result.reason, "exit");
    },
  },
  {
    name: "an exec that keeps its own shim stopped still ends at its timeout, and its processes are gone",
    attack: async ({ runtime, sandbox }) => {
      const h = await sandbox();
      const started = Date.now();
      const r = await within(
        12_000,
        "the timeout",
        run(runtime, h, {
          command: shellCommand(
            "shim=$PPID; (while :; do kill -STOP $shim 2>/dev/null; done) & echo c8s-stopper-up; exec sleep 4321",
          ),
          timeoutMs: 1500,
        }),
      );
      assert.equal(r.result.reason, "timeout", JSON.stringify(r.result));
      assert.ok(Date.now() - started >= 1500);
      const left = await sh(runtime, h, "cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\000' ' '");
      assert.doesNotMatch(left, /sleep 4321/);
      assert.doesNotMatch(left, /kill -STOP/);
    },
  },
  {
    name: "aborting (cancel) an exec whose shim is kept stopped ends it",
    attack: async ({ runtime, sandbox }) => {
      const h = await sandbox();
      const abort = new AbortController();
      const proc = await runtime.exec(h, {
        command: shellCommand(
          "shim=$PPID; (while :; do kill -STOP $shim 2>/dev/null; done) & echo up; exec sleep 4322",
        ),
        signal: abort.signal,
      });
      const done = finish(proc);
      await new Promise<void>((resolve) => proc.stdout.once("data", () => resolve()));
      abort.abort();
      const r = await within(10_000, "the cancel", done);
      assert.equal(r.result.reason, "killed");
    },
  },
  {
    name: "killing its own shim before it reports still gives the exec a result",
    attack: async ({ runtime, sandbox }) => {
      const h = await sandbox();
      for (let i = 0; i < 5; i++) {
        const r = await run(runtime, h, { command: shellCommand("kill -9 $PPID; sleep 0.2; echo after") });
        assert.ok(["killed", "signal"].includes(r.result.reason), JSON.stringify(r.result));
      }
      assert.equal(await sh(runtime, h, "echo alive"), "alive\n");
    },
  },
  {
    name: "an OOM kill under sh -c is reported as oom, not exit 137",
    attack: async ({ runtime, sandbox }, skip) => {
      if ((await runtime.capabilities()).limits.memory === null) return skip("no memory cgroup on this host");
      const h = await sandbox({ memoryBytes: 64 << 20 });
      const r = await run(runtime, h, {
        command: shellCommand("tail /dev/zero; st=$?; echo tail-exited-$st; exit $st"),
        timeoutMs: 60_000,
      });
      assert.match(r.out, /tail-exited-137/);
      assert.equal(r.result.reason, "oom", JSON.stringify(r.result));
    },
  },
  {
    name: "ordinary toolchains work under the filter: git, python3, node, cc",
    attack: async ({ runtime, sandbox }) => {
      const h = await sandbox({ memoryBytes: 1 << 30 });
      const script = [
        "set -e",
        "git init -q repo && cd repo && git -c user.name=t -c user.email=t@e commit -q --allow-empty -m x && git log --oneline | wc -l",
        "python3 -c 'import json,subprocess,threading; print(json.dumps({\"py\": 1}))'",
        'node -e \'require("fs").writeFileSync("/tmp/n", "ok"); console.log(require("fs").readFileSync("/tmp/n", "utf8"))\'',
        "printf 'int main(){return 3;}' > /tmp/t.c && cc -o /tmp/t /tmp/t.c && { /tmp/t || echo cc-$?; }",
      ].join("\n");
      const r = await run(runtime, h, { command: shellCommand(script), timeoutMs: 120_000 });
      assert.equal(r.result.exitCode, 0, r.err);
      assert.equal(r.out, '1\n{"py": 1}\nok\ncc-3\n', r.err);
    },
  },
];

void describe("sandbox code against its supervisor (security)", () => {
  let rt: Runtime;
  let probeBinary: string;
  const handles: SandboxHandle[] = [];

  before(() => {
    rt = makeLocalRuntime();
    const dir = mkdtempSync(join(tmpdir(), "c8s-probe-"));
    chmodSync(dir, 0o755);
    probeBinary = join(dir, "attack-probe");
    try {
      execFileSync("cc", ["-O1", "-static", "-o", probeBinary, PROBE_SOURCE], { stdio: "pipe" });
    } catch {
      execFileSync("cc", ["-O1", "-o", probeBinary, PROBE_SOURCE], { stdio: "pipe" });
    }
  });
  after(async () => {
    for (const h of handles) await rt.destroy(h).catch(() => undefined);
    await rt.close();
  });

  const ctx = (): Ctx => ({
    runtime: rt,
    sandbox: async (limits = {}) => {
      const spec = defaultSpec();
      const h = await rt.create({ ...spec, limits: { ...spec.limits, ...limits } });
      handles.push(h);
      return h;
    },
    probe: async (h, mode) => {
      await rt.files.write(h, "attack-probe", await readFile(probeBinary), { mode: 0o755 });
      const r = await run(rt, h, { command: ["./attack-probe", mode], timeoutMs: 30_000 });
      assert.equal(r.result.exitCode, 0, r.err);
      return parseProbe(r.out);
    },
    hostProbe: (mode) =>
      parseProbe(
        process.getuid?.() === 0
          ? execFileSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", probeBinary, mode], {
              encoding: "utf8",
            })
          : execFileSync(probeBinary, [mode], { encoding: "utf8" }),
      ),
  });

  for (const c of cases) {
    void it(c.name, async (t) => {
      await c.attack(ctx(), (why) => t.skip(why));
    });
  }
});
