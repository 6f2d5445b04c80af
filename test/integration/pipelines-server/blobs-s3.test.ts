/**
 * A server run's logs and artifacts in an S3-compatible bucket (a real versitygw started by
 * scripts/s3-test-server.sh): configured the way an operator does (C8S_BLOB_STORE=s3,
 * C8S_S3_*), the finished step log is read whole and from any offset (S3 range reads), the
 * artifact streams back, the objects sit under the configured prefix, the team's stored bytes
 * are theirs, and a new server on the same store and bucket still serves them.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readBlob } from "../../../src/blobs/index.ts";
import { S3BlobStore } from "../../../src/blobs/s3-blob-store.ts";
import { configFromEnv } from "../../../src/config/config.ts";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";
import { S3_SKIP_REASON, testS3 } from "../../fixtures/s3.ts";

const s3 = testS3();
const TERMINAL = ["succeeded", "failed", "cancelled", "skipped", "timed-out"];
const PIPELINE = `version: v1alpha1
name: s3-blobs
steps:
  - name: build
    commands:
      - "for i in $(seq 1 40); do echo build-line-$i; done"
      - "mkdir -p dist && head -c 300000 /dev/urandom > dist/app.bin"
    artifacts: [dist/app.bin]
`;
const prefix = `c8s-${randomBytes(4).toString("hex")}/`;

let home: string;
let t: PipelineTestServer;
let repo: TestRepository;
let bucket: S3BlobStore;

function blobConfig() {
  if (s3 === undefined) throw new Error(S3_SKIP_REASON);
  // Through configFromEnv, as `c8s serve` reads it.
  return configFromEnv({
    C8S_BLOB_STORE: "s3",
    C8S_S3_BUCKET: s3.bucket,
    C8S_S3_PREFIX: prefix,
    C8S_S3_ENDPOINT: s3.endpoint,
    C8S_S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    C8S_S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  }).blobs;
}

void describe(
  "server runs with an S3 blob store",
  { skip: s3 === undefined ? S3_SKIP_REASON : false, timeout: 180_000 },
  () => {
    before(async () => {
      if (s3 === undefined) return;
      home = await mkdtemp(join(tmpdir(), "c8s-pipelines-s3-"));
      repo = await createTestRepository({ ".c8s.yaml": PIPELINE });
      t = await startPipelineServer({ home, config: { blobs: blobConfig() } });
      bucket = new S3BlobStore({ endpoint: s3.endpoint, bucket: s3.bucket, prefix, credentials: s3.credentials });
    });
    after(async () => {
      await t?.close();
      await bucket?.deletePrefix("");
      bucket?.close();
      await repo?.cleanup();
      if (home !== undefined) await rm(home, { recursive: true, force: true });
    });

    void it("keeps the finished log and the artifact in the bucket, served whole and by range, after a restart too", async () => {
      const created = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, event: "push" } });
      assert.equal(created.status, 201, created.text);
      const id = created.json.id as string;
      const done = await t.waitForRun(id, TERMINAL, 120_000);
      assert.equal(done.state, "succeeded", JSON.stringify(done));

      const keys = (await bucket.list(`runs/${id}/`)).blobs.map((b) => b.key);
      assert.deepEqual(keys, [`runs/${id}/artifacts/build/dist/app.bin`, `runs/${id}/logs/build.log`]);
      assert.deepEqual(await readdir(join(home, "blobs")).catch(() => []), [], "nothing on the server's disk");

      const whole = (await t.call("GET", `/v1/runs/${id}/steps/build/logs`)).text;
      assert.match(whole, /build-line-40\n/);
      assert.equal((await readBlob(bucket, `runs/${id}/logs/build.log`)).toString(), whole);
      for (const cursor of [0, 13, Buffer.byteLength(whole) - 1, Buffer.byteLength(whole), 99_999])
        assert.equal(
          (await t.call("GET", `/v1/runs/${id}/steps/build/logs?cursor=${cursor}`)).text,
          Buffer.from(whole).subarray(cursor).toString(),
          `cursor ${cursor}`,
        );
      const stored = await readBlob(bucket, `runs/${id}/artifacts/build/dist/app.bin`);
      assert.equal(stored.length, 300_000);
      const download = await fetch(`${t.url}/v1/runs/${id}/steps/build/artifacts?path=dist/app.bin`, {
        headers: { authorization: `Bearer ${t.token}` },
      });
      assert.equal(download.status, 200);
      assert.ok(Buffer.from(await download.arrayBuffer()).equals(stored));
      const usage = (await t.call("GET", "/v1/teams/default")).json.usage.storedBytes as number;
      assert.equal(usage, stored.length + Buffer.byteLength(whole));

      // A new server process on the same home and bucket: the bytes are the bucket's, not its own.
      await t.close();
      t = await startPipelineServer({ home, config: { blobs: blobConfig() } });
      assert.equal((await t.call("GET", `/v1/runs/${id}/steps/build/logs?cursor=13`)).text, whole.slice(13));
    });
  },
);
