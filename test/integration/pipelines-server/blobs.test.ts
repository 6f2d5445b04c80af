/**
 * Where a server run's bytes go, for real (a server on a temp home, PGlite, the local runtime,
 * git over file://): artifacts and finished step logs are blobs under `<home>/blobs` (checked
 * through an FsBlobStore opened on that root, as an operator's tool would), a running step's log
 * is followed and a finished one read whole and from an offset with nothing missing, and the
 * artifact retention deletes an old run's artifacts after a restart: the download answers 410
 * ARTIFACT_EXPIRED and the team's stored bytes drop by them.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FsBlobStore, readBlob } from "../../../src/blobs/index.ts";
import { openStore } from "../../../src/store/index.ts";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";

const TERMINAL = ["succeeded", "failed", "cancelled", "skipped", "timed-out"];
const PIPELINE = `version: v1alpha1
name: blobs
steps:
  - name: build
    commands:
      - "for i in $(seq 1 30); do echo build-line-$i; sleep 0.05; done"
      - "mkdir -p dist && printf 'the artifact\\n' > dist/app.txt"
    artifacts: [dist/app.txt]
  - name: after
    dependsOn: [build]
    commands: ["sleep 3", "echo done"]
`;

let home: string;
let t: PipelineTestServer;
let repo: TestRepository;
let blobs: FsBlobStore;

before(async () => {
  home = await mkdtemp(join(tmpdir(), "c8s-pipelines-blobs-"));
  repo = await createTestRepository({ ".c8s.yaml": PIPELINE });
  t = await startPipelineServer({ home });
  blobs = new FsBlobStore(join(home, "blobs"));
});
after(async () => {
  await t?.close();
  await repo?.cleanup();
  await rm(home, { recursive: true, force: true });
});

const log = async (run: string, step: string, cursor?: number) => {
  const res = await t.call(
    "GET",
    `/v1/runs/${run}/steps/${step}/logs${cursor === undefined ? "" : `?cursor=${cursor}`}`,
  );
  assert.equal(res.status, 200, res.text);
  return res.text;
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let runId = "";
let buildLog = "";

void describe("a server run's logs and artifacts in the BlobStore", () => {
  void it("follows a running step's log, then reads the finished log from the blob, whole and from any offset", async () => {
    const created = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, event: "push" } });
    assert.equal(created.status, 201, created.text);
    runId = created.json.id as string;
    // While `build` runs: its log grows (the spool), each read a prefix of the next.
    const early = await until("build output", async () => {
      const text = await log(runId, "build");
      return text.includes("build-line-3") ? text : undefined;
    });
    assert.equal(await blobs.stat(`runs/${runId}/logs/build.log`), null, "not archived while it runs");
    // `build` ended while `after` still runs: its log is now the blob.
    await until("build to end", async () => {
      const run = (await t.call("GET", `/v1/runs/${runId}`)).json;
      const build = (run.steps as { name: string; state: string }[]).find((s) => s.name === "build");
      return build?.state === "succeeded" ? true : undefined;
    });
    const archived = await until("the archived log", () =>
      blobs.stat(`runs/${runId}/logs/build.log`).then((i) => i ?? undefined),
    );
    assert.equal((await t.call("GET", `/v1/runs/${runId}`)).json.state, "running", "the run goes on");
    buildLog = await log(runId, "build");
    assert.equal(archived.size, Buffer.byteLength(buildLog));
    assert.equal((await readBlob(blobs, `runs/${runId}/logs/build.log`)).toString(), buildLog);
    assert.ok(buildLog.startsWith(early), "what was read while it ran is a prefix of the finished log");
    assert.match(buildLog, /build-line-30\n/);
    for (const cursor of [0, 1, 17, Buffer.byteLength(buildLog) - 1, Buffer.byteLength(buildLog), 10_000])
      assert.equal(
        await log(runId, "build", cursor),
        Buffer.from(buildLog).subarray(cursor).toString(),
        `cursor ${cursor}`,
      );

    // Followed over SSE from an offset while the run still runs: exactly the rest, then `end`.
    const sse = await fetch(`${t.url}/v1/runs/${runId}/steps/build/logs?follow=true&cursor=11`, {
      headers: { authorization: `Bearer ${t.token}` },
      signal: AbortSignal.timeout(60_000),
    });
    const frames = (await sse.text()).split("\n\n").filter((f) => f.includes("event: output"));
    const followed = frames.map((f) => JSON.parse(f.split("data: ")[1] ?? "{}") as { text: string }).map((d) => d.text);
    assert.equal(followed.join(""), Buffer.from(buildLog).subarray(11).toString());

    const done = await t.waitForRun(runId, TERMINAL, 60_000);
    assert.equal(done.state, "succeeded", JSON.stringify(done));
    const afterLog = await log(runId, "after");
    assert.match(afterLog, /\ndone\n$/);
    assert.equal((await readBlob(blobs, `runs/${runId}/logs/after.log`)).toString(), afterLog);
  });

  void it("stores the artifact as a blob, streams it back, and counts blobs for the stored-bytes quota", async () => {
    const run = (await t.call("GET", `/v1/runs/${runId}`)).json;
    assert.deepEqual(run.artifacts, [{ step: "build", path: "dist/app.txt", key: "build/dist/app.txt", size: 13 }]);
    assert.equal((await readBlob(blobs, `runs/${runId}/artifacts/build/dist/app.txt`)).toString(), "the artifact\n");
    const download = await t.call("GET", `/v1/runs/${runId}/steps/build/artifacts?path=dist/app.txt`);
    assert.equal(download.status, 200);
    assert.equal(download.text, "the artifact\n");
    const keys = (await blobs.list(`runs/${runId}/`)).blobs;
    assert.deepEqual(
      keys.map((b) => b.key),
      [`runs/${runId}/artifacts/build/dist/app.txt`, `runs/${runId}/logs/after.log`, `runs/${runId}/logs/build.log`],
    );
    const usage = (await t.call("GET", "/v1/teams/default")).json.usage.storedBytes as number;
    assert.equal(
      usage,
      keys.reduce((sum, b) => sum + b.size, 0),
      "the team's stored bytes are what its run keeps in the BlobStore",
    );
  });

  void it("the artifact retention deletes an old run's artifacts: the download is 410 ARTIFACT_EXPIRED, logs stay", async () => {
    await t.close();
    // The run finished 40 days ago, as the store on this home records it.
    const store = await openStore({ dataDir: join(home, "store") });
    try {
      await store.runs.update(runId, { finishedAt: new Date(Date.now() - 40 * 24 * 3600 * 1000).toISOString() });
    } finally {
      await store.close();
    }
    t = await startPipelineServer({ home, config: { artifactRetentionDays: 30 } });
    const expired = await until("the sweep", async () => {
      const run = (await t.call("GET", `/v1/runs/${runId}`)).json;
      return run.artifacts[0]?.expiredAt === undefined ? undefined : run;
    });
    assert.ok(Date.parse(expired.artifacts[0].expiredAt) > Date.now() - 60_000);
    assert.equal(await blobs.stat(`runs/${runId}/artifacts/build/dist/app.txt`), null, "the blob is deleted");
    const download = await t.call("GET", `/v1/runs/${runId}/steps/build/artifacts?path=dist/app.txt`);
    assert.equal(download.status, 410, download.text);
    assert.equal(download.json.error.code, "ARTIFACT_EXPIRED");
    assert.match(download.json.error.message, /artifact 'dist\/app.txt' of step 'build' has expired/);
    assert.match(download.json.error.hint, /C8S_ARTIFACT_RETENTION_DAYS/);
    assert.equal(await log(runId, "build"), buildLog, "the step logs are kept");
    const logBytes = (await blobs.list(`runs/${runId}/logs/`)).blobs.reduce((sum, b) => sum + b.size, 0);
    assert.equal(
      (await t.call("GET", "/v1/teams/default")).json.usage.storedBytes,
      logBytes,
      "expired bytes no longer count",
    );
  });
});
