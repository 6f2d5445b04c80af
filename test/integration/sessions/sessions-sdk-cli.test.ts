/** The SDK's `Session` and `c8s session create|ls|exec|cp|rm` against a real server (bubblewrap, PGlite). */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { FileVersionConflictError, NotFoundError, Session } from "@c8s/sdk";
import { main } from "../../../src/cli/dispatch.ts";
import type { CliIo } from "../../../src/cli/io.ts";
import { type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";

let t: PipelineTestServer;
let dir: string;

async function c8s(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on("data", (c: Buffer) => o.push(c));
  stderr.on("data", (c: Buffer) => e.push(c));
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from([]) as unknown as CliIo["stdin"],
    cwd: dir,
    env: { C8S_URL: t.url, C8S_TOKEN: t.token },
    onSignal: () => () => undefined,
  };
  const code = await main(args, io);
  return { code, out: Buffer.concat(o).toString(), err: Buffer.concat(e).toString() };
}

void describe("sessions through the SDK and the CLI", { timeout: 300_000 }, () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "c8s-session-cli-"));
    t = await startPipelineServer();
  });
  after(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  void it(
    "SDK: create, write (If-Match), exec, read what the command wrote, typed errors, remove",
    { timeout: 120_000 },
    async () => {
      const connection = { url: t.url, token: t.token };
      const session = await Session.create({ name: "sdk" }, connection);
      const first = await session.files.write("src/app.py", "print('hi')\n", { ifVersion: 0 });
      assert.equal(first.version, 1);
      await assert.rejects(session.files.write("src/app.py", "x", { ifVersion: 0 }), FileVersionConflictError);
      const result = await session.exec(["sh", "-c", "python3 --version >/dev/null 2>&1; cat src/app.py > copy.txt"]);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(await session.files.readText("copy.txt"), "print('hi')\n");
      assert.deepEqual(
        (await session.files.list()).map((f) => f.path),
        ["copy.txt", "src/app.py"],
      );
      assert.ok((await Session.list(connection)).some((s) => s.id === session.id));
      await session.remove();
      await assert.rejects(session.info(), NotFoundError);
    },
  );

  void it(
    "CLI: session create, cp in, exec (exit code passed through), cp out, ls, rm",
    { timeout: 120_000 },
    async () => {
      const made = await c8s(["session", "create", "--name", "cli"]);
      assert.equal(made.code, 0, made.err);
      const id = made.out.trim();
      await writeFile(join(dir, "in.txt"), "from host\n");
      assert.equal((await c8s(["session", "cp", "in.txt", `${id}:docs/in.txt`])).code, 0);
      const ran = await c8s(["session", "exec", id, "--", "sh", "-c", "cat docs/in.txt; echo out > made.txt; exit 3"]);
      assert.equal(ran.code, 3, ran.err);
      assert.equal(ran.out, "from host\n");
      assert.equal((await c8s(["session", "cp", `${id}:made.txt`, "made.txt"])).code, 0);
      assert.equal(await readFile(join(dir, "made.txt"), "utf8"), "out\n");
      assert.match((await c8s(["session", "ls"])).out, new RegExp(id));
      assert.equal((await c8s(["session", "rm", id])).code, 0);
      assert.doesNotMatch((await c8s(["session", "ls"])).out, new RegExp(id));
      assert.equal((await c8s(["session", "exec", id])).code, 2, "usage error");
    },
  );
});
