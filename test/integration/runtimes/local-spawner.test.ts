/** The local runtime's spawner helper: real processes started through it behave like children. */
import assert from "node:assert/strict";
import { once } from "node:events";
import type { Readable } from "node:stream";
import { test } from "node:test";
import { type LaunchedProcess, Spawner } from "../../../src/runtimes/local/spawner.ts";

const spawner = new Spawner();
const collect = (stream: Readable | null | undefined): Promise<string> =>
  new Promise((resolve) => {
    let text = "";
    stream?.on("data", (c: Buffer) => (text += c.toString()));
    stream?.on("end", () => resolve(text));
  });
const exited = (child: LaunchedProcess) => once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;

void test("relays stdout, stderr, an extra fd and the exit code, in that order", async () => {
  const child = spawner.launch("/bin/sh", ["-c", "echo out; echo err >&2; echo info >&4; exit 3"], {
    stdio: ["ignore", "pipe", "pipe", "ignore", "pipe"],
    env: {},
    cwd: "/",
  });
  const [out, err, info, [code, signal]] = await Promise.all([
    collect(child.stdout),
    collect(child.stderr),
    collect(child.stdio[4] as Readable),
    exited(child),
  ]);
  assert.deepEqual([out, err, info, code, signal], ["out\n", "err\n", "info\n", 3, null]);
  assert.ok(typeof child.pid === "number" && child.pid > 0);
  assert.notEqual(child.pid, process.pid);
});

void test("kill() signals the process; the exit reports the signal", async () => {
  const child = spawner.launch("/bin/sleep", ["100"], { stdio: ["ignore", "pipe", "pipe"], env: {}, cwd: "/" });
  await once(child, "spawn");
  assert.equal(child.kill("SIGKILL"), true);
  const [code, signal] = await exited(child);
  assert.deepEqual([code, signal], [null, "SIGKILL"]);
  assert.equal(child.kill("SIGKILL"), false, "a second kill after the exit is a no-op");
});

void test("a program that does not exist is an error event, not a crash", async () => {
  const child = spawner.launch("/nonexistent/c8s-binary", [], { stdio: ["ignore", "pipe", "pipe"], env: {}, cwd: "/" });
  const [error] = (await once(child, "error")) as [Error];
  assert.match(error.message, /ENOENT/);
});
