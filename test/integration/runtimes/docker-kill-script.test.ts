/**
 * The docker runtime's tree-kill script (the exec that ends a timed-out or killed exec), run by
 * a real /bin/sh on real processes of this machine: no engine needed, the script only reads
 * /proc and calls kill, as it does inside a container.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { it } from "node:test";
import { EXEC_MARKER_VAR, killScript } from "../../../src/runtimes/docker/exec.ts";

async function carrying(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const environ = await readFile(`/proc/${name}/environ`, "latin1").catch(() => "");
    if (environ.split("\0").includes(`${EXEC_MARKER_VAR}=${marker}`)) pids.push(Number(name));
  }
  return pids;
}

void it("kills the whole tree; a shell waiting on its children dies by the signal, never exit 0", async () => {
  for (let round = 0; round < 3; round++) {
    const marker = randomBytes(8).toString("hex");
    const tree = spawn(
      "/bin/sh",
      ["-c", "(setsid sleep 60 >/dev/null 2>&1 &); for i in 1 2 3 4 5 6; do sleep 60 & done; echo started; wait"],
      { env: { ...process.env, [EXEC_MARKER_VAR]: marker }, stdio: ["ignore", "pipe", "ignore"], detached: true },
    );
    const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      tree.once("exit", (code, signal) => resolve({ code, signal })),
    );
    await new Promise<void>((resolve) => tree.stdout.once("data", () => resolve()));
    assert.ok((await carrying(marker)).length >= 8, "the tree is up");
    const [command, ...args] = killScript(marker, "SIGKILL");
    assert.equal(spawnSync(command!, args).status, 0);
    assert.deepEqual(await ended, { code: null, signal: "SIGKILL" });
    let left = await carrying(marker);
    for (let attempt = 0; attempt < 50 && left.length > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      left = await carrying(marker);
    }
    assert.deepEqual(left, [], "nothing carrying the marker survives, setsid children included");
  }
});

void it("a catchable signal reaches every process once and nothing stays stopped", async () => {
  const marker = randomBytes(8).toString("hex");
  const tree = spawn(
    "/bin/sh",
    ["-c", "trap 'echo got-term; exit 3' TERM; echo started; while :; do sleep 0.05; done"],
    {
      env: { ...process.env, [EXEC_MARKER_VAR]: marker },
      stdio: ["ignore", "pipe", "ignore"],
      detached: true,
    },
  );
  let out = "";
  tree.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const ended = new Promise<number | null>((resolve) => tree.once("exit", (code) => resolve(code)));
  while (!out.includes("started")) await new Promise((resolve) => setTimeout(resolve, 10));
  const [command, ...args] = killScript(marker, "SIGTERM");
  assert.equal(spawnSync(command!, args).status, 0);
  assert.equal(await ended, 3, "the trap ran: TERM was delivered and the shell was continued");
  assert.equal(out.split("got-term").length - 1, 1);
});
