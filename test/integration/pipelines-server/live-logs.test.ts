/** LiveLogs over a real log file: cursors are byte offsets across the file and the in-memory feed. */
import assert from "node:assert/strict";
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { LiveLogs } from "../../../src/pipelines/service/live-logs.ts";

async function collect(gen: AsyncGenerator<{ offset: number; data: Buffer }>): Promise<string> {
  let out = "";
  for await (const c of gen) out += c.data.toString();
  return out;
}

void test("every cursor yields exactly the bytes after it, whether from the file, the feed or both", async () => {
  const dir = await mkdtemp(join(tmpdir(), "c8s-live-logs-"));
  try {
    const path = join(dir, "step.log");
    const logs = new LiveLogs({ bufferBytes: 8, keepFinishedRuns: 2 }); // tiny: old chunks leave the feed
    logs.begin("run1");
    let all = "";
    for (const piece of ["alpha-", "beta-", "gamma-", "delta-", "epsilon"]) {
      await appendFile(path, piece); // the executor writes the file before feeding readers
      logs.push("run1", "s", "stdout", Buffer.from(piece));
      all += piece;
    }
    logs.end("run1");
    for (let cursor = 0; cursor <= all.length; cursor++)
      assert.equal(await collect(logs.read("run1", "s", path, cursor)), all.slice(cursor), `cursor ${cursor}`);
    // No feed (another server, or evicted): the file alone.
    assert.equal(await collect(logs.read("run-unknown", "s", path, 3)), all.slice(3));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test("a live reader gets later output as it arrives and stops when the run ends", async () => {
  const dir = await mkdtemp(join(tmpdir(), "c8s-live-logs-"));
  try {
    const path = join(dir, "step.log");
    const logs = new LiveLogs({ bufferBytes: 1024, keepFinishedRuns: 2 });
    logs.begin("r");
    const reading = collect(logs.read("r", "s", path, 0));
    for (const piece of ["one ", "two ", "three"]) {
      await appendFile(path, piece);
      logs.push("r", "s", "stderr", Buffer.from(piece));
      await new Promise((resolve) => setImmediate(resolve));
    }
    logs.end("r");
    assert.equal(await reading, "one two three");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
