/** Exec semantics every runtime must share. */
import assert from "node:assert/strict";
import { shellCommand } from "../types.ts";
import type { ConformanceCase } from "./context.ts";
import { finish, run, sh } from "./helpers.ts";

const countSleepers = (marker: string): string =>
  `n=0; for f in /proc/[0-9]*/cmdline; do if tr '\\000' ' ' < "$f" 2>/dev/null | grep -q '^sleep ${marker}'; then n=$((n+1)); fi; done; echo $n`;

export const execCases: ConformanceCase[] = [
  {
    name: "exec: argv form passes arguments verbatim",
    async run({ runtime, shared }) {
      const r = await run(runtime, shared, { command: ["printf", "%s|", "a b", "$HOME", "*", ""] });
      assert.equal(r.result.exitCode, 0, r.err);
      assert.equal(r.out, "a b|$HOME|*||");
    },
  },
  {
    name: "exec: shell form runs through /bin/sh -c",
    async run({ runtime, shared }) {
      const r = await run(runtime, shared, { command: shellCommand("echo $((6 * 7)) | cat") });
      assert.equal(r.out, "42\n");
      assert.equal(r.result.reason, "exit");
    },
  },
  {
    name: "exec: env merges exec env over sandbox env",
    async run({ runtime, shared }) {
      const r = await run(runtime, shared, {
        command: shellCommand('echo "$A $B $C"'),
        env: { B: "exec", C: "c=1 2" },
      });
      assert.equal(r.out, "sandbox exec c=1 2\n");
      const again = await run(runtime, shared, { command: shellCommand('echo "$B"') });
      assert.equal(again.out, "sandbox\n", "exec env must not leak into later execs");
    },
  },
  {
    name: "exec: cwd defaults to the workdir and can be set",
    async run({ runtime, shared, sharedSpec }) {
      assert.equal((await run(runtime, shared, { command: ["pwd"] })).out, `${sharedSpec.workdir}\n`);
      assert.equal((await run(runtime, shared, { command: ["pwd"], cwd: "/tmp" })).out, "/tmp\n");
    },
  },
  {
    name: "exec: stdin is streamed in pieces and closed",
    async run({ runtime, shared }) {
      const proc = await runtime.exec(shared, { command: ["cat"] });
      const done = finish(proc);
      await proc.writeStdin("hello ");
      await proc.writeStdin(Buffer.from("wor"));
      await proc.writeStdin("ld\n");
      await proc.closeStdin();
      const r = await done;
      assert.equal(r.out, "hello world\n");
      assert.equal(r.result.exitCode, 0);
    },
  },
  {
    name: "exec: stdout and stderr are separate and each in order",
    async run({ runtime, shared }) {
      const r = await run(runtime, shared, {
        command: shellCommand('i=1; while [ $i -le 300 ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done'),
      });
      const expect = (prefix: string): string => Array.from({ length: 300 }, (_, i) => `${prefix} ${i + 1}\n`).join("");
      assert.equal(r.out, expect("out"));
      assert.equal(r.err, expect("err"));
    },
  },
  {
    name: "exec: exit codes 0, 1 and 42",
    async run({ runtime, shared }) {
      for (const code of [0, 1, 42]) {
        const r = await run(runtime, shared, { command: shellCommand(`exit ${code}`) });
        assert.deepEqual([r.result.exitCode, r.result.signal, r.result.reason], [code, null, "exit"]);
      }
    },
  },
  {
    name: "exec: death by signal is reported as signal",
    async run({ runtime, shared }) {
      const r = await run(runtime, shared, { command: shellCommand("kill -TERM $$; sleep 5") });
      assert.deepEqual([r.result.exitCode, r.result.signal, r.result.reason], [null, "SIGTERM", "signal"]);
    },
  },
  {
    name: "exec: a missing command fails with exit 127 or COMMAND_NOT_FOUND",
    async run({ runtime, shared }) {
      try {
        const r = await run(runtime, shared, { command: ["/nonexistent/c8s-no-such-command"] });
        assert.equal(r.result.exitCode, 127);
      } catch (error) {
        assert.equal((error as { code?: string }).code, "COMMAND_NOT_FOUND");
      }
    },
  },
  {
    name: "exec: timeout kills the whole process tree, setsid and double-forked children too",
    async run({ runtime, shared }) {
      const script =
        "(setsid sleep 3141 >/dev/null 2>&1 &); (sleep 3141 & ); sleep 3141 & sh -c 'sleep 3141' & echo started; wait";
      const proc = await runtime.exec(shared, { command: shellCommand(script), timeoutMs: 1500 });
      const r = await finish(proc);
      assert.equal(r.result.reason, "timeout");
      assert.equal(r.out, "started\n");
      assert.equal((await sh(runtime, shared, countSleepers("3141"))).trim(), "0");
    },
  },
  {
    name: "exec: kill() ends the exec with reason killed",
    async run({ runtime, shared }) {
      const proc = await runtime.exec(shared, { command: shellCommand("echo up; (setsid sleep 3142 &); sleep 3142") });
      const done = finish(proc);
      await new Promise<void>((resolve) => proc.stdout.once("data", () => resolve()));
      await proc.kill();
      const r = await done;
      assert.equal(r.result.reason, "killed");
      assert.equal((await sh(runtime, shared, countSleepers("3142"))).trim(), "0");
    },
  },
  {
    name: "exec: abort signal ends the exec with reason killed",
    async run({ runtime, shared }) {
      const controller = new AbortController();
      const proc = await runtime.exec(shared, {
        command: shellCommand("echo up; sleep 3143"),
        signal: controller.signal,
      });
      const done = finish(proc);
      await new Promise<void>((resolve) => proc.stdout.once("data", () => resolve()));
      controller.abort();
      assert.equal((await done).result.reason, "killed");
    },
  },
  {
    name: "exec: large output (20 MB) arrives intact",
    async run({ runtime, shared }) {
      const r = await run(runtime, shared, {
        command: shellCommand(
          "head -c 20971520 /dev/urandom > /tmp/big && sha256sum /tmp/big >&2 && cat /tmp/big && rm /tmp/big",
        ),
      });
      assert.equal(r.result.exitCode, 0, r.err);
      assert.equal(r.stdout.length, 20971520);
      const { createHash } = await import("node:crypto");
      assert.equal(r.err.split(" ")[0], createHash("sha256").update(r.stdout).digest("hex"));
    },
  },
  {
    name: "exec: binary stdin and stdout are byte-exact",
    async run({ runtime, shared }) {
      const bytes = Buffer.alloc(256 * 64);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 8)) & 0xff;
      const r = await run(runtime, shared, { command: ["cat"] }, bytes);
      assert.ok(r.stdout.equals(bytes), "bytes changed on the way through");
    },
  },
  {
    name: "exec: tty mode gives a terminal of the requested size and resizes",
    async run({ runtime, shared }) {
      const caps = await runtime.capabilities();
      assert.ok(caps.tty, "the runtime must support tty (skip this case with a reason if it cannot)");
      const proc = await runtime.exec(shared, {
        command: shellCommand("stty size; read x; stty size; test -t 0 && echo tty"),
        tty: { rows: 24, cols: 80 },
      });
      const done = finish(proc);
      let seen = "";
      await new Promise<void>((resolve) => {
        proc.stdout.on("data", (c: Buffer) => {
          seen += c.toString();
          if (seen.includes("24 80")) resolve();
        });
      });
      await proc.resize({ rows: 40, cols: 100 });
      await proc.writeStdin("go\n");
      const r = await done;
      assert.match(r.out, /24 80/);
      assert.match(r.out, /40 100/);
      assert.match(r.out, /tty/);
      assert.equal(r.stderr.length, 0);
      assert.equal(r.result.exitCode, 0);
    },
  },
];
