/**
 * kill -9 of a server leaves nothing behind after the next start: a child process runs an
 * engine with sandboxes and running commands and is SIGKILLed; a new engine on the same home
 * and store reconciles, and no process, cgroup or workspace of the old sandboxes remains.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, describe, it } from "node:test";
import { INTERRUPTED_MESSAGE, ownerForHome } from "../../../src/engine/index.ts";
import type { SandboxHandle } from "../../../src/runtimes/types.ts";
import { startTestEngine } from "../../fixtures/engine.ts";
import { settledLeftoversOf } from "../../fixtures/engine-leftovers.ts";
import { TEST_SUPERVISOR_CACHE } from "../../fixtures/runtime-local.ts";

interface ChildReport {
  pid: number;
  sandboxes: { id: string; handle: SandboxHandle; execIds: string[] }[];
}

async function runChildUntilReady(home: string): Promise<{ report: ChildReport; kill: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      new URL("../../fixtures/engine-crash-child.ts", import.meta.url).pathname,
      home,
      TEST_SUPERVISOR_CACHE,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`crash child exited (${code}) before it was ready: ${stderr}`)));
  });
  lines.close();
  return {
    report: JSON.parse(first) as ChildReport,
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

void describe("crash recovery (kill -9 of the engine's process)", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  void it("the next start removes every sandbox of the killed server and records them interrupted", async () => {
    const home = await mkdtemp(join(tmpdir(), "c8s-crash-"));
    dirs.push(home);
    const { report, kill } = await runChildUntilReady(home);
    assert.equal(report.sandboxes.length, 2);
    await kill();

    const next = await startTestEngine({
      home,
      storeDataDir: join(home, "store"),
      owner: ownerForHome(home),
    });
    try {
      for (const { id, handle, execIds } of report.sandboxes) {
        const record = await next.engine.get(id);
        assert.equal(record.state, "terminated");
        assert.equal(record.terminationReason, "interrupted");
        assert.equal(record.terminationMessage, INTERRUPTED_MESSAGE);
        for (const execId of execIds) {
          const { record: exec } = await next.engine.getExec(id, execId);
          assert.deepEqual([exec.state, exec.reason], ["finished", "killed"]);
        }
        assert.deepEqual(await settledLeftoversOf(handle), { pids: [], cgroups: [], dirs: [] }, `leftovers of ${id}`);
      }
      assert.deepEqual(await next.runtime.listOwned(ownerForHome(home)), []);
      const terminated = (await next.store.events.list({})).filter((e) => e.type === "sandbox.terminated");
      assert.deepEqual(
        terminated.map((e) => [e.sandboxId, e.data["reason"]]).sort(),
        report.sandboxes.map((s) => [s.id, "interrupted"]).sort(),
      );
      // The new engine works on the same home.
      const fresh = await next.engine.create({});
      assert.equal((await next.engine.run(fresh.id, { command: ["echo", "alive"] })).stdout.toString(), "alive\n");
    } finally {
      await next.close();
    }
  });

  void it("a runtime leftover without a record and a record without a runtime sandbox are both cleaned up", async () => {
    const home = await mkdtemp(join(tmpdir(), "c8s-reconcile-"));
    dirs.push(home);
    const owner = ownerForHome(home);
    const first = await startTestEngine({ home, storeDataDir: join(home, "store"), owner });
    const kept = await first.engine.create({});
    const orphan = await first.runtime.create({
      id: "sbx_orphan0000000000000000",
      owner,
      env: {},
      workdir: "/workspace",
      mounts: [],
      network: { mode: "none" },
      limits: {
        memoryBytes: 64 * 1024 * 1024,
        pids: 32,
        cpuMillis: 500,
        fileSizeBytes: 1024 * 1024,
        diskBytes: 64 * 1024 * 1024,
      },
      labels: {},
    });
    // The sandbox vanishes behind the engine's back (as if the host rebooted).
    await first.runtime.destroy(kept.handle!);
    await first.engine.close({ destroySandboxes: false });
    await first.store.close();

    const second = await startTestEngine({ home, storeDataDir: join(home, "store"), owner });
    try {
      const record = await second.engine.get(kept.id);
      assert.deepEqual([record.state, record.terminationReason], ["terminated", "interrupted"]);
      assert.deepEqual(await settledLeftoversOf(orphan), { pids: [], cgroups: [], dirs: [] });
      assert.deepEqual(await second.runtime.listOwned(owner), []);
    } finally {
      await second.close();
    }
  });
});
