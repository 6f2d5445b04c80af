/** The SDK against a real `c8s serve`: commands, streaming, reconnect + replay, files, pty, errors. */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  AuthenticationError,
  CommandExitError,
  InvalidArgumentError,
  NotFoundError,
  Sandbox,
  TimeoutError,
} from "../../packages/sdk/src/index.ts";
import { startCliServer, startTcpRelay, type CliServer } from "../fixtures/cli-server.ts";

let server: CliServer;
let sandbox: Sandbox;
const opts = () => ({ url: server.url, token: server.token });

before(async () => {
  server = await startCliServer();
  sandbox = await Sandbox.create({ ...opts(), labels: { suite: "sdk-e2e" } });
});

after(async () => {
  await sandbox?.kill().catch(() => undefined);
  await server?.stop();
});

void describe("commands", () => {
  void test("a string runs in the shell, an array is the argv; envs and cwd apply", async () => {
    const shell = await sandbox.commands.run("echo $((6*7)) $GREETING", { envs: { GREETING: "hi" } });
    assert.equal(shell.stdout, "42 hi\n");
    assert.equal(shell.exitCode, 0);
    const argv = await sandbox.commands.run(["printf", "%s|", "a b", "$HOME"]);
    assert.equal(argv.stdout, "a b|$HOME|");
    await sandbox.files.makeDir("sub/dir");
    const cwd = await sandbox.commands.run("pwd", { cwd: "sub/dir" });
    assert.match(cwd.stdout, /sub\/dir\n$/);
  });

  void test("a non-zero exit rejects with CommandExitError carrying exitCode, stdout and stderr", async () => {
    await assert.rejects(
      sandbox.commands.run("echo partial; echo broken >&2; exit 3"),
      (e: unknown) =>
        e instanceof CommandExitError && e.exitCode === 3 && e.stdout === "partial\n" && e.stderr === "broken\n",
    );
    const allowed = await sandbox.commands.run("exit 4", { allowNonZeroExit: true });
    assert.equal(allowed.exitCode, 4);
  });

  void test("timeoutMs kills the command and rejects with TimeoutError", async () => {
    await assert.rejects(sandbox.commands.run("sleep 30", { timeoutMs: 500 }), TimeoutError);
  });

  void test("stdin as data is fed and closed, in both request/response and streaming modes", async () => {
    assert.equal((await sandbox.commands.run("tr a-z A-Z", { stdin: "shout\n" })).stdout, "SHOUT\n");
    const chunks: string[] = [];
    const streamed = await sandbox.commands.run(["wc", "-c"], {
      stdin: new Uint8Array(100_000).fill(120),
      onStdout: (d) => chunks.push(d),
    });
    assert.equal(streamed.stdout.trim(), "100000");
    assert.equal(chunks.join(""), streamed.stdout);
  });

  void test("background: callbacks stream stdout and stderr separately; wait() returns the whole result", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const handle = await sandbox.commands.run("for i in 1 2 3; do echo out-$i; echo err-$i >&2; sleep 0.1; done", {
      background: true,
      onStdout: (d) => out.push(d),
      onStderr: (d) => err.push(d),
    });
    assert.match(handle.execId, /\S/);
    const result = await handle.wait();
    assert.equal(result.stdout, "out-1\nout-2\nout-3\n");
    assert.equal(result.stderr, "err-1\nerr-2\nerr-3\n");
    assert.equal(out.join(""), result.stdout);
    assert.equal(err.join(""), result.stderr);
  });

  void test("onOutput delivers raw bytes in order with increasing seq", async () => {
    const chunks: Array<{ seq: number; data: Uint8Array }> = [];
    await sandbox.commands.run(["printf", "\\000\\001\\377"], { onOutput: (c) => chunks.push(c) });
    assert.deepEqual(Buffer.concat(chunks.map((c) => c.data)), Buffer.from([0, 1, 255]));
    assert.deepEqual(
      chunks.map((c) => c.seq),
      chunks.map((_, i) => chunks[0]!.seq + i),
    );
  });

  void test("sendStdin/closeStdin talk to a running command; stdin: true without background is refused", async () => {
    await assert.rejects(sandbox.commands.run("cat", { stdin: true }), InvalidArgumentError);
    const handle = await sandbox.commands.run("cat; echo done", { background: true, stdin: true });
    await handle.sendStdin("line one\n");
    await handle.sendStdin(new TextEncoder().encode("line two\n"));
    await handle.closeStdin();
    const result = await handle.wait();
    assert.equal(result.stdout, "line one\nline two\ndone\n");
  });

  void test("kill() ends a background command; wait() then rejects with CommandExitError", async () => {
    const handle = await sandbox.commands.run("sleep 100", { background: true });
    assert.equal(await handle.kill(), true);
    await assert.rejects(handle.wait(), (e: unknown) => e instanceof CommandExitError && e.exitCode !== 0);
  });

  void test("a dropped connection reconnects and replays from the cursor: every line exactly once, in order", async () => {
    const relay = await startTcpRelay(server.url);
    try {
      const viaRelay = await Sandbox.connect(sandbox.sandboxId, { url: relay.url, token: server.token });
      const lines: string[] = [];
      let cuts = 0;
      const handle = await viaRelay.commands.run("for i in $(seq 1 30); do echo line-$i; sleep 0.05; done", {
        background: true,
        onStdout: (d) => {
          lines.push(d);
          // Cut the connection a few times while output is flowing.
          if (cuts < 3 && /line-(5|12|20)\n/.test(d)) {
            cuts += 1;
            relay.cut();
          }
        },
      });
      const result = await handle.wait();
      const expected = Array.from({ length: 30 }, (_, i) => `line-${i + 1}\n`).join("");
      assert.equal(result.stdout, expected);
      assert.equal(lines.join(""), expected);
      assert.ok(cuts >= 1, "the test did cut the connection");
      assert.ok(relay.connections() > 2, "the SDK reconnected");

      // A second client attaching later replays the whole output from cursor 0.
      const again = await sandbox.commands.connect(handle.execId);
      assert.equal((await again.wait()).stdout, expected);
    } finally {
      await relay.close();
    }
  });
});

void describe("files", () => {
  void test("write/read text and bytes, stat, list, exists, remove", async () => {
    await sandbox.files.makeDir("docs");
    await sandbox.files.write("docs/a.txt", "hello files\n");
    const bytes = new Uint8Array(256).map((_, i) => i);
    await sandbox.files.write("docs/b.bin", bytes, { mode: 0o600 });
    assert.equal(await sandbox.files.read("docs/a.txt"), "hello files\n");
    assert.deepEqual(await sandbox.files.read("docs/b.bin", { format: "bytes" }), bytes);
    const st = await sandbox.files.stat("docs/b.bin");
    assert.equal(st.size, 256);
    assert.equal(st.type, "file");
    assert.equal(st.mode & 0o777, 0o600);
    const names = (await sandbox.files.list("docs")).map((e) => e.name).sort();
    assert.deepEqual(names, ["a.txt", "b.bin"]);
    assert.equal(await sandbox.files.exists("docs/a.txt"), true);
    await sandbox.files.remove("docs", { recursive: true });
    assert.equal(await sandbox.files.exists("docs"), false);
    await assert.rejects(sandbox.files.read("docs/a.txt"), NotFoundError);
  });

  void test("a tar downloaded from one directory uploads into another intact", async () => {
    await sandbox.commands.run("mkdir -p src/nested && echo one > src/one && echo two > src/nested/two");
    const tar = await sandbox.files.downloadTar("src");
    await sandbox.files.uploadTar("copy", tar);
    const r = await sandbox.commands.run("cat copy/one copy/nested/two");
    assert.equal(r.stdout, "one\ntwo\n");
  });

  void test("paths escaping the sandbox are rejected with InvalidArgumentError", async () => {
    await assert.rejects(sandbox.files.read("../../../../etc/shadow"), (e: unknown) => {
      return e instanceof InvalidArgumentError && e.code === "PATH_OUTSIDE_SANDBOX";
    });
  });
});

void describe("pty", () => {
  void test("an interactive shell echoes input, resizes, and exits with its code", async () => {
    let screen = "";
    const decoder = new TextDecoder();
    const pty = await sandbox.pty.create({ rows: 24, cols: 80, onData: (d) => (screen += decoder.decode(d)) });
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 200 && !re.test(screen); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(screen, re);
    };
    await pty.sendInput("echo pty-$((6*7))\n");
    await waitFor(/pty-42/);
    await pty.resize({ rows: 40, cols: 100 });
    await pty.sendInput("stty size\n");
    await waitFor(/40 100/);
    await pty.sendInput("exit 3\n");
    const result = await pty.wait();
    assert.equal(result.exitCode, 3);
  });
});

void describe("sandboxes and errors", () => {
  void test("list, connect, events and kill", async () => {
    const other = await Sandbox.create({ ...opts(), labels: { suite: "sdk-e2e", which: "other" } });
    const listed = await Sandbox.list({ ...opts(), labels: { which: "other" } });
    assert.deepEqual(
      listed.map((s) => s.id),
      [other.sandboxId],
    );
    const again = await Sandbox.connect(other.sandboxId, opts());
    assert.equal(again.info.state, "running");
    const types: string[] = [];
    for await (const event of other.events()) types.push(event.type);
    assert.ok(types.includes("sandbox.created"), `events: ${types.join(",")}`);
    assert.equal(await other.kill(), true);
    assert.equal((await again.getInfo()).state, "terminated");
    assert.equal((await again.getInfo()).terminationReason, "killed");
  });

  void test("events({follow: true}) streams new lifecycle events live until aborted", async () => {
    const abort = new AbortController();
    const seen: string[] = [];
    let target = "";
    const following = (async () => {
      for await (const event of Sandbox.events({ ...opts(), follow: true, signal: abort.signal })) {
        if (event.sandboxId === target) seen.push(event.type);
        if (seen.includes("sandbox.terminated")) abort.abort();
      }
    })();
    const fresh = await Sandbox.create({ ...opts(), labels: { suite: "sdk-e2e", which: "followed" } });
    target = fresh.sandboxId;
    await fresh.kill();
    await following;
    assert.ok(seen.includes("sandbox.terminated"), `seen: ${seen.join(",")}`);
  });

  void test("a wrong token is an AuthenticationError; an unknown sandbox a NotFoundError", async () => {
    await assert.rejects(Sandbox.list({ url: server.url, token: "c8s_wrong" }), (e: unknown) => {
      return e instanceof AuthenticationError && e.status === 401 && e.code === "UNAUTHENTICATED";
    });
    await assert.rejects(Sandbox.connect("sbx_doesnotexist", opts()), (e: unknown) => {
      return e instanceof NotFoundError && e.code === "SANDBOX_NOT_FOUND" && typeof e.hint === "string";
    });
  });
});
