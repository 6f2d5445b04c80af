/** The real `c8s` CLI against a real `c8s serve`, configured only through $C8S_HOME/credentials.json. */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { c8sBin, cleanEnv, runCli, startCliServer, type CliServer } from "../fixtures/cli-server.ts";

let server: CliServer;
let id: string;
let work: string;

before(async () => {
  server = await startCliServer();
  work = await mkdtemp(join(tmpdir(), "c8s-cli-work-"));
  const created = await runCli(["sandbox", "create", "--json", "--label", "suite=cli-e2e"], { env: server.env });
  assert.equal(created.code, 0, created.stderr);
  id = (JSON.parse(created.stdout) as { id: string }).id;
});

after(async () => {
  if (id) await runCli(["sandbox", "rm", id], { env: server.env }).catch(() => undefined);
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

void describe("c8s sandbox", () => {
  void test("serve wrote credentials.json readable only by its owner", async () => {
    const st = await stat(join(server.home, "credentials.json"));
    assert.equal(st.mode & 0o777, 0o600);
  });

  void test("ls and get show the sandbox, as a table and as JSON", async () => {
    const table = await runCli(["sandbox", "ls"], { env: server.env });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID\s+STATE/);
    assert.match(table.stdout, new RegExp(`${id}\\s+running`));
    const listed = await runCli(["sandbox", "ls", "--json", "--label", "suite=cli-e2e"], { env: server.env });
    assert.deepEqual(
      (JSON.parse(listed.stdout) as { sandboxes: Array<{ id: string }> }).sandboxes.map((s) => s.id),
      [id],
    );
    const got = await runCli(["sandbox", "get", id, "--json"], { env: server.env });
    assert.equal((JSON.parse(got.stdout) as { state: string }).state, "running");
  });

  void test("exec streams stdout and stderr separately and exits with the command's code", async () => {
    const r = await runCli(["sandbox", "exec", id, "--", "sh", "-c", "echo to-out; echo to-err >&2; exit 7"], {
      env: server.env,
    });
    assert.equal(r.code, 7);
    assert.equal(r.stdout, "to-out\n");
    assert.equal(r.stderr, "to-err\n");
    const binary = await runCli(["sandbox", "exec", id, "--", "printf", "\\000\\377\\n"], { env: server.env });
    assert.deepEqual(binary.stdoutBytes, Buffer.from([0, 255, 10]));
    const ok = await runCli(["sandbox", "exec", id, "--env", "X=1", "--", "sh", "-c", 'echo "x=$X"'], {
      env: server.env,
    });
    assert.equal(ok.code, 0);
    assert.equal(ok.stdout, "x=1\n");
  });

  void test("exec forwards piped stdin, byte for byte", async () => {
    const input = Buffer.concat([Buffer.from("first line\n"), Buffer.alloc(200_000, 0x61), Buffer.from([0, 255, 10])]);
    const r = await runCli(["sandbox", "exec", id, "--", "sha256sum"], { env: server.env, input });
    assert.equal(r.code, 0, r.stderr);
    const { createHash } = await import("node:crypto");
    assert.equal(r.stdout.split(" ")[0], createHash("sha256").update(input).digest("hex"));
    const cat = await runCli(["sandbox", "exec", id, "--", "cat"], { env: server.env, input: "piped\n" });
    assert.equal(cat.stdout, "piped\n");
  });

  void test("exec --json prints the result; --timeout gives exit 124", async () => {
    const r = await runCli(["sandbox", "exec", id, "--json", "--", "sh", "-c", "echo hi; exit 2"], { env: server.env });
    assert.equal(r.code, 2);
    const result = JSON.parse(r.stdout) as { exitCode: number; stdout: string };
    assert.deepEqual([result.exitCode, result.stdout], [2, "hi\n"]);
    const slow = await runCli(["sandbox", "exec", id, "--timeout", "500ms", "--", "sleep", "30"], { env: server.env });
    assert.equal(slow.code, 124);
    assert.match(slow.stderr, /timed out/);
  });

  void test("cp copies a file and a directory in, and back out", async () => {
    const src = join(work, "project");
    await mkdir(join(src, "nested"), { recursive: true });
    await writeFile(join(src, "a.txt"), "alpha\n");
    await writeFile(join(src, "nested", "b.bin"), Buffer.from([1, 2, 3, 0, 255]));
    await writeFile(join(work, "single.txt"), "single\n");

    const upFile = await runCli(["sandbox", "cp", join(work, "single.txt"), `${id}:single.txt`], { env: server.env });
    assert.equal(upFile.code, 0, upFile.stderr);
    const upDir = await runCli(["sandbox", "cp", src, `${id}:project`], { env: server.env });
    assert.equal(upDir.code, 0, upDir.stderr);
    const check = await runCli(
      ["sandbox", "exec", id, "--", "sh", "-c", "cat single.txt project/a.txt; wc -c < project/nested/b.bin"],
      {
        env: server.env,
      },
    );
    assert.equal(check.stdout, "single\nalpha\n5\n");

    await runCli(["sandbox", "exec", id, "--", "sh", "-c", "echo made-inside > project/inside.txt"], {
      env: server.env,
    });
    const out = join(work, "back");
    const downDir = await runCli(["sandbox", "cp", `${id}:project`, out], { env: server.env });
    assert.equal(downDir.code, 0, downDir.stderr);
    assert.equal(await readFile(join(out, "inside.txt"), "utf8"), "made-inside\n");
    assert.deepEqual(await readFile(join(out, "nested", "b.bin")), Buffer.from([1, 2, 3, 0, 255]));
    const downFile = await runCli(["sandbox", "cp", `${id}:single.txt`, work + "/"], {
      env: server.env,
      cwd: work,
    });
    assert.equal(downFile.code, 0, downFile.stderr);
    assert.equal(await readFile(join(work, "single.txt"), "utf8"), "single\n");
  });

  void test("events lists the sandbox's lifecycle", async () => {
    const r = await runCli(["sandbox", "events", id, "--json"], { env: server.env });
    assert.equal(r.code, 0, r.stderr);
    const types = r.stdout
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { type: string }).type);
    assert.ok(types.includes("sandbox.created"), types.join(","));
    assert.ok(types.includes("exec.finished"), types.join(","));
  });

  void test("events --follow prints new events as they happen and stops cleanly on SIGINT", async () => {
    const child = spawn(process.execPath, [c8sBin, "sandbox", "events", "--follow", "--json"], { env: server.env });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    // Wait until the stream is open (the history of earlier sandboxes arrives first).
    for (let i = 0; i < 200 && !out.includes("sandbox.created"); i++) await new Promise((r) => setTimeout(r, 50));
    const created = await runCli(["sandbox", "create", "--label", "suite=cli-e2e-follow"], { env: server.env });
    const fresh = created.stdout.trim();
    await runCli(["sandbox", "rm", fresh], { env: server.env });
    for (let i = 0; i < 200 && !out.includes(`"sandboxId":"${fresh}","type":"sandbox.terminated"`); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGINT");
    assert.equal(await exited, 0);
    const types = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { sandboxId: string; type: string })
      .filter((e) => e.sandboxId === fresh)
      .map((e) => e.type);
    assert.ok(types.includes("sandbox.created") && types.includes("sandbox.terminated"), types.join(","));
  });

  void test("shell runs an interactive PTY through a real terminal and exits with the shell's code", async () => {
    // `script` gives the CLI a real terminal; we type into it once the prompt answers.
    const cmd = `${process.execPath} ${c8sBin} sandbox shell ${id}`;
    const child = spawn("script", ["-qefc", cmd, "/dev/null"], { env: { ...server.env, TERM: "xterm" } });
    let screen = "";
    child.stdout.on("data", (d: Buffer) => (screen += d.toString()));
    child.stderr.on("data", (d: Buffer) => (screen += d.toString()));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 300 && !re.test(screen); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(screen, re);
    };
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    child.stdin.write("echo shell-$((6*7)); tty\n");
    await waitFor(/shell-42/);
    await waitFor(/\/dev\/pts\/\d+/);
    child.stdin.write("exit 5\n");
    assert.equal(await exited, 5, screen);
  });
});

void describe("c8s errors", () => {
  void test("a bad token: error[UNAUTHENTICATED] with a hint, exit 4", async () => {
    const env = cleanEnv({ C8S_HOME: server.home, C8S_URL: server.url, C8S_TOKEN: "c8s_wrong" });
    const r = await runCli(["sandbox", "ls"], { env });
    assert.equal(r.code, 4);
    assert.match(r.stderr, /^error\[UNAUTHENTICATED\]: .+\nhint: .+/);
  });

  void test("the token in credentials.json is never sent to a different server URL", async () => {
    // Same server, but named by another origin (localhost vs 127.0.0.1): the file's token must not follow.
    const other = server.url.replace("127.0.0.1", "localhost");
    const r = await runCli(["sandbox", "ls"], { env: cleanEnv({ C8S_HOME: server.home, C8S_URL: other }) });
    assert.equal(r.code, 4);
    assert.match(r.stderr, /^error\[UNAUTHENTICATED\]/);
  });

  void test("an unknown sandbox: error[SANDBOX_NOT_FOUND], exit 5", async () => {
    const r = await runCli(["sandbox", "get", "sbx_doesnotexist"], { env: server.env });
    assert.equal(r.code, 5);
    assert.match(r.stderr, /^error\[SANDBOX_NOT_FOUND\]/);
  });

  void test("usage errors exit 2 and name the problem", async () => {
    const noCmd = await runCli(["sandbox", "exec", id], { env: server.env });
    assert.equal(noCmd.code, 2);
    assert.match(noCmd.stderr, /missing command/);
    const badFlag = await runCli(["sandbox", "ls", "--nope"], { env: server.env });
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /--nope/);
  });

  void test("with no server configured: error[SERVER_NOT_CONFIGURED], exit 3", async () => {
    const r = await runCli(["sandbox", "ls"], { env: cleanEnv({ C8S_HOME: join(work, "empty-home") }) });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /error\[SERVER_NOT_CONFIGURED\][\s\S]*hint: .*c8s serve/);
  });

  void test("rm destroys the sandbox; exec afterwards fails", async () => {
    const created = await runCli(["sandbox", "create"], { env: server.env });
    const other = created.stdout.trim();
    const r = await runCli(["sandbox", "rm", other], { env: server.env });
    assert.equal(r.code, 0, r.stderr);
    const got = await runCli(["sandbox", "get", other, "--json"], { env: server.env });
    assert.equal((JSON.parse(got.stdout) as { state: string }).state, "terminated");
    const exec = await runCli(["sandbox", "exec", other, "--", "true"], { env: server.env });
    assert.notEqual(exec.code, 0);
    assert.match(exec.stderr, /^error\[/);
  });
});
