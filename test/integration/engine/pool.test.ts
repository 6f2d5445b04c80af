/**
 * The warm-pool suite on the local runtime (real bubblewrap); docker and kubernetes call the same
 * suite. Plus, local only: SIGKILL of a process whose engine holds a full pool, then a start on
 * the same home leaves no process, cgroup or workspace of the pooled sandboxes.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, describe, it } from "node:test";
import { ownerForHome } from "../../../src/engine/index.ts";
import { createLocalRuntime } from "../../../src/runtimes/local/index.ts";
import type { SandboxHandle } from "../../../src/runtimes/types.ts";
import { startTestEngine } from "../../fixtures/engine.ts";
import { settledLeftoversOf } from "../../fixtures/engine-leftovers.ts";
import { runPoolSuite } from "../../fixtures/pool-suite.ts";
import { TEST_SUPERVISOR_CACHE } from "../../fixtures/runtime-local.ts";

runPoolSuite({
  name: "local (bubblewrap)",
  runtime: async (home) =>
    createLocalRuntime({ stateDir: join(home, "local"), supervisorCacheDir: TEST_SUPERVISOR_CACHE }),
});

void describe("warm pools: SIGKILL of the engine's process (local)", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  void it("the next start removes every pooled sandbox the killed process held", { timeout: 120_000 }, async () => {
    const home = await mkdtemp(join(tmpdir(), "c8s-pool-kill-"));
    dirs.push(home);
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        new URL("../../fixtures/pool-crash-child.ts", import.meta.url).pathname,
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
      const timer = setTimeout(() => reject(new Error(`the child was not ready in 90 s: ${stderr}`)), 90_000);
      lines.once("line", (line) => {
        clearTimeout(timer);
        resolve(line);
      });
      child.once("exit", (code) => reject(new Error(`the child exited (${code}) before it was ready: ${stderr}`)));
    });
    lines.close();
    const report = JSON.parse(first) as { sandboxes: { id: string; handle: SandboxHandle }[] };
    assert.equal(report.sandboxes.length, 2);
    child.kill("SIGKILL");
    await exited;

    // No `templates` here: only what the crash left is looked at, no new pool is filled.
    const next = await startTestEngine({ home, storeDataDir: join(home, "store"), owner: ownerForHome(home) });
    try {
      for (const { id, handle } of report.sandboxes) {
        const record = await next.engine.get(id);
        assert.deepEqual([record.state, record.terminationReason], ["terminated", "interrupted"]);
        assert.deepEqual(await settledLeftoversOf(handle), { pids: [], cgroups: [], dirs: [] }, `leftovers of ${id}`);
      }
      assert.deepEqual(await next.runtime.listOwned(ownerForHome(home)), []);
    } finally {
      await next.close();
    }
  });
});
