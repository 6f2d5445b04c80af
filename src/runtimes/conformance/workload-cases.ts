/**
 * What pipelines (and later sessions) rely on, shared by every runtime instead of copied
 * into each one's tests: orphans found by a second instance, the end of a sandbox killed
 * outside c8s, network groups reached at `address()`, a shared host workspace, and SIGKILL
 * told apart from OOM. A case that needs a capability or a runtime hook the runtime lacks
 * skips itself saying which.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConformanceCase } from "./context.ts";
import { CONFORMANCE_OWNER, finish, run, sh } from "./helpers.ts";

/** A one-shot TCP server answering `pong`, with whatever the image has (busybox nc, node, python3 or perl). */
const LISTEN = `p=$1
if command -v nc >/dev/null 2>&1; then echo listening; echo pong | nc -l -p "$p"
elif command -v node >/dev/null 2>&1; then exec node -e "require('net').createServer((s)=>{s.end('pong\\\\n');process.exit(0)}).listen(+process.argv[1],()=>console.log('listening'))" "$p"
elif command -v python3 >/dev/null 2>&1; then exec python3 -c "import socket,sys;s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(('',int(sys.argv[1])));s.listen(1);print('listening',flush=True);c,_=s.accept();c.sendall(b'pong\\n');c.close()" "$p"
elif command -v perl >/dev/null 2>&1; then exec perl -MIO::Socket::INET -e '$|=1; my $s=IO::Socket::INET->new(LocalPort=>$ARGV[0],Listen=>1,ReuseAddr=>1) or exit 98; print "listening\n"; my $c=$s->accept; print $c "pong\n"; close $c' "$p"
else echo "no TCP tool"; exit 99; fi`;

/** Connects and prints what the server sends (busybox nc, or bash's /dev/tcp). */
const CONNECT = `if command -v nc >/dev/null 2>&1; then nc "$1" "$2" </dev/null
elif command -v bash >/dev/null 2>&1; then exec bash -c 'exec 3<>"/dev/tcp/$0/$1" && cat <&3' "$1" "$2"
else echo "no TCP tool" >&2; exit 99; fi`;

const unique = (): string => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

export const workloadCases: ConformanceCase[] = [
  {
    name: "workloads: a second instance lists the sandboxes a first one left (orphans) and destroy removes them",
    async run(ctx) {
      const owner = `${CONFORMANCE_OWNER}-orphan-${unique()}`;
      const spec = ctx.makeSpec({ owner });
      const handle = await ctx.runtime.create(spec);
      const second = await ctx.reopen();
      try {
        const found = await second.listOwned(owner);
        assert.deepEqual(
          found.map((o) => o.id),
          [spec.id],
        );
        await second.destroy(found[0]!.handle);
        assert.deepEqual(await second.listOwned(owner), []);
        if (ctx.leftovers) assert.deepEqual(await ctx.leftovers(owner), [], "destroy leaves nothing of the sandbox");
      } finally {
        await second.close();
        await ctx.runtime.destroy(handle).catch(() => undefined);
      }
    },
  },
  {
    name: "workloads: waitExit reports a sandbox killed outside c8s (not as killed), and killed after destroy",
    async run(ctx, t) {
      if (!ctx.killFromOutside) return t.skip("the runtime's tests give no way to kill a sandbox outside c8s");
      const { handle } = await ctx.create();
      await ctx.killFromOutside(handle);
      const ended = await ctx.runtime.waitExit(handle);
      assert.ok(["signal", "error", "exit"].includes(ended.reason), `ended outside c8s, reported ${ended.reason}`);
      const other = (await ctx.create()).handle;
      const waiting = ctx.runtime.waitExit(other);
      await ctx.runtime.destroy(other);
      assert.equal((await waiting).reason, "killed");
    },
  },
  {
    name: "workloads: members of a network group reach each other at address(); a sandbox outside it does not",
    async run(ctx, t) {
      const caps = await ctx.runtime.capabilities();
      if (!caps.network.group) return t.skip("the runtime has no network groups");
      if (ctx.simulatedNetwork) return t.skip(ctx.simulatedNetwork);
      const group = `conf-${unique()}`;
      const port = String(20_000 + Math.floor(Math.random() * 20_000));
      const server = (await ctx.create({ network: { mode: "group", group }, hostname: "svc" })).handle;
      const peer = (await ctx.create({ network: { mode: "group", group } })).handle;
      const stranger = (await ctx.create()).handle;
      const listening = await ctx.runtime.exec(server, { command: ["/bin/sh", "-c", LISTEN, "listen", port] });
      const served = finish(listening);
      const first = await new Promise<string>((resolve) =>
        listening.stdout.once("data", (c: Buffer) => resolve(String(c))),
      );
      if (first.includes("no TCP tool")) return t.skip("the image has no nc, node, python3 or perl to listen with");
      const address = await ctx.runtime.address(server);
      const connect = (from: typeof peer) =>
        run(ctx.runtime, from, { command: ["/bin/sh", "-c", CONNECT, "connect", address, port], timeoutMs: 10_000 });
      assert.notEqual((await connect(stranger)).out.trim(), "pong", "a sandbox outside the group reached it");
      let reply = "";
      for (let attempt = 0; attempt < 50 && reply !== "pong"; attempt++) {
        reply = (await connect(peer)).out.trim();
        if (reply !== "pong") await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(reply, "pong", `a group member reaches ${address}:${port}`);
      await listening.kill().catch(() => undefined);
      await served;
    },
  },
  {
    name: "workloads: sandboxes on one workspaceSource share its files, and the host keeps them after destroy",
    async run(ctx, t) {
      const caps = await ctx.runtime.capabilities();
      if (!caps.hostWorkspace) return t.skip("the runtime's sandboxes run elsewhere (no host workspace)");
      const dir = await mkdtemp(join(tmpdir(), "c8s-conf-ws-"));
      try {
        await writeFile(join(dir, "from-host.txt"), "host");
        const a = (await ctx.create({ workspaceSource: dir })).handle;
        const b = (await ctx.create({ workspaceSource: dir })).handle;
        assert.equal(await sh(ctx.runtime, a, "cat from-host.txt && echo a > from-a.txt"), "host");
        assert.equal(await sh(ctx.runtime, b, "cat from-a.txt"), "a\n");
        await ctx.runtime.destroy(a);
        await ctx.runtime.destroy(b);
        assert.equal(await readFile(join(dir, "from-a.txt"), "utf8"), "a\n");
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: "exec: a process killed by SIGKILL without an OOM is reported as signal",
    async run({ runtime, shared }) {
      const r = await run(runtime, shared, { command: ["/bin/sh", "-c", "kill -9 $$"] });
      assert.equal(r.result.reason, "signal", JSON.stringify(r.result));
    },
  },
];
