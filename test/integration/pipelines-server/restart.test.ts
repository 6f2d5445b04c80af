/**
 * A server killed with SIGKILL mid-run loses no queued run: after the restart the run that
 * was executing is failed with reason `interrupted` (its sandboxes destroyed) and the queued
 * one runs; the step log the killed run had spooled is put into the BlobStore by the restart.
 * Real child processes, real HTTP, the real local runtime.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ownerLabel } from "../../../src/app.ts";
import { FsBlobStore, readBlob } from "../../../src/blobs/index.ts";
import { createLocalRuntime } from "../../../src/runtimes/local/index.ts";
import { createTestRepository } from "../../fixtures/git.ts";
import {
  callChild as call,
  startServerChild as startChild,
  waitForChildRun as waitFor,
  waitForRunningStep,
} from "../../fixtures/pipelines-server-process.ts";
import { TEST_SUPERVISOR_CACHE } from "../../fixtures/runtime-local.ts";

const home = await mkdtemp(join(tmpdir(), "c8s-pipelines-restart-"));
const children: ChildProcess[] = [];
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await rm(home, { recursive: true, force: true });
});

void test("SIGKILL mid-run: the executing run becomes failed/interrupted, the queued run survives and runs", async () => {
  const repo = await createTestRepository({ "README.md": "hi\n" });
  try {
    const first = await startChild(home);
    children.push(first.process);
    const slow = `version: v1alpha1\nname: slow\nsteps:\n  - name: wait\n    commands: [echo started-before-the-crash, sleep 120]\n`;
    const quick = `version: v1alpha1\nname: quick\nsteps:\n  - name: s\n    commands: [echo survived]\n`;
    const executing = await call(first, "POST", "/v1/runs", { repoUrl: repo.url, pipelineYaml: slow });
    const running = await waitFor(first, executing.id, ["running"]);
    // Wait until the step's sandbox is up (the step is running), then queue another run.
    await waitForRunningStep(first, running.id);
    const stepLog = async (child: typeof first) =>
      (
        await fetch(`${child.url}/v1/runs/${running.id}/steps/wait/logs`, {
          headers: { authorization: `Bearer ${child.token}` },
        })
      ).text();
    // Until the step's last line (the shell's trace of `sleep`): nothing is written after it.
    for (let i = 0; i < 100 && !(await stepLog(first)).includes("+ sleep 120\n"); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const spooled = await stepLog(first);
    assert.match(spooled, /started-before-the-crash\n[^]*\+ sleep 120\n$/);
    const queued = await call(first, "POST", "/v1/runs", { repoUrl: repo.url, pipelineYaml: quick });
    assert.equal(queued.state, "queued");

    first.process.kill("SIGKILL");
    await new Promise((resolve) => first.process.once("exit", resolve));

    const second = await startChild(home);
    children.push(second.process);
    const interrupted = await call(second, "GET", `/v1/runs/${executing.id}`);
    assert.equal(interrupted.state, "failed");
    assert.equal(interrupted.reason, "interrupted");
    assert.deepEqual(
      interrupted.steps.map((s) => [s.state, s.reason]),
      [["failed", "interrupted"]],
    );
    // The engine's start-up reconciliation ended the killed run's step sandbox and says why.
    const stepSandboxes = (await call(second, "GET", `/v1/sandboxes?run=${executing.id}`)) as unknown as {
      sandboxes: { purpose: string; step: string; state: string; terminationReason: string }[];
    };
    assert.deepEqual(
      stepSandboxes.sandboxes.map((s) => [s.purpose, s.step, s.state, s.terminationReason]),
      [["step", "wait", "terminated", "interrupted"]],
    );
    // The spool the crash left is in the BlobStore now, whole, and served from there.
    const blobs = new FsBlobStore(join(home, "blobs"));
    assert.equal((await readBlob(blobs, `runs/${executing.id}/logs/wait.log`)).toString(), spooled);
    assert.equal(await stepLog(second), spooled);
    const survived = await waitFor(second, queued.id, ["succeeded", "failed", "cancelled"]);
    assert.equal(survived.state, "succeeded");

    // Nothing of the killed run is left on the runtime.
    const runtime = createLocalRuntime({ stateDir: join(home, "local"), supervisorCacheDir: TEST_SUPERVISOR_CACHE });
    try {
      assert.deepEqual(await runtime.listOwned(await ownerLabel(home)), []);
    } finally {
      await runtime.close();
    }
    second.process.kill("SIGTERM");
    await new Promise((resolve) => second.process.once("exit", resolve));
  } finally {
    await repo.cleanup();
  }
});
