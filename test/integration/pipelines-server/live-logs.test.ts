/**
 * LiveLogs over the real RunStorage (a spool file, then an FsBlobStore): cursors are byte
 * offsets across the persisted log and the in-memory feed, and the hand-over from the spool to
 * the blob leaves no gap for a reader at any moment.
 */
import assert from "node:assert/strict";
import { appendFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type BlobStore, FsBlobStore, readBlob } from "../../../src/blobs/index.ts";
import { LiveLogs, type LogSource } from "../../../src/pipelines/service/live-logs.ts";
import { stepLogBlobKey } from "../../../src/pipelines/service/run-blobs.ts";
import { RunStorage } from "../../../src/pipelines/service/run-storage.ts";
import { logFileName } from "../../../src/pipelines/runner/step-logs.ts";

let dir: string;
let storage: RunStorage;
let blobs: FsBlobStore;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "c8s-live-logs-"));
  blobs = new FsBlobStore(join(dir, "blobs"));
  storage = new RunStorage(blobs, join(dir, "runs"));
});
after(() => rm(dir, { recursive: true, force: true }));

async function collect(gen: AsyncGenerator<{ offset: number; data: Buffer }>): Promise<string> {
  let out = "";
  let expected: number | undefined;
  for await (const c of gen) {
    if (expected !== undefined) assert.equal(c.offset, expected, "each chunk starts where the one before ended");
    expected = c.offset + c.data.length;
    out += c.data.toString();
  }
  return out;
}

/** The executor's side: the step's spool, appended as it runs. */
async function spool(runId: string, step: string): Promise<(piece: string) => Promise<void>> {
  await mkdir(storage.spoolDir(runId), { recursive: true });
  const path = join(storage.spoolDir(runId), logFileName(step));
  return (piece) => appendFile(path, piece);
}

const source =
  (runId: string, step: string): LogSource =>
  (from, to) =>
    storage.openLog(runId, step, from, to);

void test("every cursor yields exactly the bytes after it, from the spool, the feed or both, and from the blob once archived", async () => {
  const write = await spool("run1", "s");
  const logs = new LiveLogs({ bufferBytes: 8, keepFinishedRuns: 2 }); // tiny: old chunks leave the feed
  logs.begin("run1");
  let all = "";
  for (const piece of ["alpha-", "beta-", "gamma-", "delta-", "epsilon"]) {
    await write(piece); // the executor writes the spool before feeding readers
    logs.push("run1", "s", "stdout", Buffer.from(piece));
    all += piece;
  }
  logs.end("run1");
  for (let cursor = 0; cursor <= all.length; cursor++)
    assert.equal(
      await collect(logs.read("run1", "s", source("run1", "s"), cursor)),
      all.slice(cursor),
      `cursor ${cursor}`,
    );

  // The step ended: its log goes into the BlobStore and the spool away.
  const info = await storage.archiveLog("run1", "s");
  assert.equal(info?.size, all.length);
  assert.deepEqual(await readdir(storage.spoolDir("run1")), [], "the spool is removed");
  assert.equal((await readBlob(blobs, stepLogBlobKey("run1", "s"))).toString(), all);
  for (let cursor = 0; cursor <= all.length; cursor++) {
    assert.equal(await collect(logs.read("run1", "s", source("run1", "s"), cursor)), all.slice(cursor));
    // No feed (another server, or evicted): the blob alone, whole or from an offset.
    assert.equal(await collect(logs.read("run-gone", "s", source("run1", "s"), cursor)), all.slice(cursor));
  }
  assert.equal((await storage.readLog("run1", "s", 3, 9)).toString(), all.slice(3, 9), "a bounded range");
  assert.equal(await storage.logBytes("run1"), all.length);
  assert.equal((await storage.readLog("run1", "never-ran")).length, 0, "a step without a log reads empty");
});

void test("a live reader gets later output as it arrives and stops when the run ends", async () => {
  const write = await spool("r", "s");
  const logs = new LiveLogs({ bufferBytes: 1024, keepFinishedRuns: 2 });
  logs.begin("r");
  const reading = collect(logs.read("r", "s", source("r", "s"), 0));
  for (const piece of ["one ", "two ", "three"]) {
    await write(piece);
    logs.push("r", "s", "stderr", Buffer.from(piece));
    await new Promise((resolve) => setImmediate(resolve));
  }
  logs.end("r");
  assert.equal(await reading, "one two three");
});

void test("readers racing the hand-over always read the whole log: the spool, or the blob, never neither", async () => {
  const text = Array.from({ length: 2000 }, (_, i) => `line ${i}\n`).join("");
  for (let round = 0; round < 20; round++) {
    const runId = `race${round}`;
    await (
      await spool(runId, "build")
    )(text);
    const readers = Array.from({ length: 8 }, () => storage.readLog(runId, "build", 100));
    const archived = storage.archiveLog(runId, "build");
    const more = Array.from({ length: 8 }, () => storage.readLog(runId, "build", 100));
    await archived;
    for (const read of await Promise.all([...readers, ...more])) assert.equal(read.toString(), text.slice(100));
  }
});

void test("the hand-over between a reader's two looks (blob missing, then spool gone): the reader finds the blob", async () => {
  const text = "the whole log\n";
  await (
    await spool("run_between", "s")
  )(text);
  // The real FsBlobStore; its first miss waits until the step's log was handed over, which is
  // the one interleaving where the spool is gone before the reader looks at it.
  let handedOver = false;
  const between: BlobStore = {
    put: (key, body, options) => blobs.put(key, body, options),
    stat: (key) => blobs.stat(key),
    list: (prefix, options) => blobs.list(prefix, options),
    delete: (key) => blobs.delete(key),
    deletePrefix: (prefix) => blobs.deletePrefix(prefix),
    async get(key, options) {
      try {
        return await blobs.get(key, options);
      } catch (error) {
        if (!handedOver) {
          handedOver = true;
          await storage.archiveLog("run_between", "s");
        }
        throw error;
      }
    },
  };
  const reader = new RunStorage(between, storage.runsDir);
  assert.equal((await reader.readLog("run_between", "s", 4)).toString(), text.slice(4));
  assert.ok(handedOver);
});

void test("recovery archives every spool a crash left and older versions' artifact files, and removes them; names it does not know stay", async () => {
  await (
    await spool("run_crashed", "test[node=18]")
  )("half a log\n");
  await (
    await spool("run_crashed", "lint")
  )("lint log\n");
  await appendFile(join(storage.spoolDir("run_crashed"), "notes.txt"), "not a spool");
  const recovered = await storage.recover(new Set(["run_live"]));
  assert.ok(recovered.logs.includes("run_crashed"));
  assert.equal((await readBlob(blobs, stepLogBlobKey("run_crashed", "test[node=18]"))).toString(), "half a log\n");
  assert.equal((await storage.readLog("run_crashed", "lint")).toString(), "lint log\n");
  assert.deepEqual(await readdir(storage.spoolDir("run_crashed")), ["notes.txt"]);
  // Artifacts an older version kept as files under the run directory become blobs.
  const files = join(storage.runsDir, "run_before_blobs", "artifacts", "build", "dist");
  await mkdir(files, { recursive: true });
  await appendFile(join(files, "app.txt"), "built before blobs\n");
  await appendFile(join(files, "half.txt.partial"), "a put that never finished");
  const upgraded = await storage.recover(new Set());
  assert.deepEqual(upgraded.artifacts, ["run_before_blobs"]);
  assert.deepEqual(upgraded.failed, []);
  const moved = await storage.openArtifact("run_before_blobs", "build/dist/app.txt");
  assert.ok(moved !== null);
  assert.equal(
    (await readBlob(blobs, "runs/run_before_blobs/artifacts/build/dist/app.txt")).toString(),
    "built before blobs\n",
  );
  moved.destroy();
  assert.deepEqual(
    (await blobs.list("runs/run_before_blobs/")).blobs.map((b) => b.key),
    ["runs/run_before_blobs/artifacts/build/dist/app.txt"],
    "a partial file is dropped, not imported",
  );
  assert.deepEqual(await readdir(join(storage.runsDir, "run_before_blobs")), [], "the files are gone");
  // A run in `keep` (executing here) is left alone.
  await (
    await spool("run_live", "s")
  )("still running\n");
  await storage.recover(new Set(["run_live"]));
  assert.equal(await blobs.stat(stepLogBlobKey("run_live", "s")), null);
});
