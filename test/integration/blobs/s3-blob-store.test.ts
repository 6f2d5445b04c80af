/**
 * The S3 BlobStore against a real S3-compatible server (versitygw, started by
 * scripts/s3-test-server.sh; C8S_TEST_S3_ENDPOINT): the blob suite, multipart uploads of large
 * bodies, a key prefix, and no unfinished upload left by a failed put.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { readBlob } from "../../../src/blobs/index.ts";
import { S3BlobStore } from "../../../src/blobs/s3-blob-store.ts";
import { hasCode, runBlobSuite } from "../../fixtures/blob-suite.ts";
import { S3_SKIP_REASON, testS3 } from "../../fixtures/s3.ts";

const s3 = testS3();

function store(prefix: string, partBytes?: number): S3BlobStore {
  if (s3 === undefined) throw new Error(S3_SKIP_REASON);
  return new S3BlobStore({
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    prefix,
    credentials: s3.credentials,
    ...(partBytes === undefined ? {} : { partBytes }),
  });
}

/** Multipart uploads still open under `prefix`: a failed put must leave none. */
async function openUploads(prefix: string): Promise<string[]> {
  if (s3 === undefined) return [];
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: s3.credentials,
  });
  try {
    const res = await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: prefix }));
    return (res.Uploads ?? []).map((u) => `${u.Key ?? "?"} (upload ${u.UploadId ?? "?"})`);
  } finally {
    client.destroy();
  }
}

const skip = s3 === undefined ? S3_SKIP_REASON : false;

runBlobSuite(
  "S3 (versitygw)",
  async () => {
    const prefix = `suite-${randomBytes(4).toString("hex")}/`;
    const blobs = store(prefix, 5 * 1024 * 1024);
    return {
      blobs,
      leftovers: () => openUploads(prefix),
      close: async () => {
        await blobs.deletePrefix("");
        blobs.close();
      },
    };
  },
  {
    skip,
    noKeyWithChildren:
      "versitygw's posix backend stores an object as a file, so a key cannot also be a prefix (AWS S3 and MinIO allow it; c8s needs it only when one step collects both a directory and a file inside it as artifacts)",
  },
);

void describe("S3BlobStore specifics", { skip, timeout: 120_000 }, () => {
  let blobs: S3BlobStore;
  let prefix: string;
  before(() => {
    prefix = `specific-${randomBytes(4).toString("hex")}/`;
    blobs = store(prefix, 5 * 1024 * 1024);
  });
  after(async () => {
    await blobs?.deletePrefix("");
    blobs?.close();
  });

  void it("uploads a body larger than a part in parts and reads it back whole and by range", async () => {
    const big = randomBytes(12 * 1024 * 1024 + 333);
    async function* pieces() {
      for (let i = 0; i < big.length; i += 256 * 1024) yield big.subarray(i, i + 256 * 1024);
    }
    const info = await blobs.put("artifacts/big.bin", Readable.from(pieces()), { contentType: "application/x-tar" });
    assert.equal(info.size, big.length);
    assert.equal(info.contentType, "application/x-tar");
    assert.ok((await readBlob(blobs, "artifacts/big.bin")).equals(big));
    const tail = await readBlob(blobs, "artifacts/big.bin", { range: { start: big.length - 1000 } });
    assert.ok(tail.equals(big.subarray(big.length - 1000)));
    assert.deepEqual(await openUploads(prefix), []);
  });

  void it("an over-limit stream of many parts is refused and leaves no object and no open upload", async () => {
    async function* endless() {
      for (let i = 0; i < 64; i++) yield Buffer.alloc(512 * 1024, i);
    }
    await assert.rejects(
      blobs.put("artifacts/too-big.bin", Readable.from(endless()), { maxBytes: 11 * 1024 * 1024 }),
      hasCode("FILE_TOO_LARGE"),
    );
    assert.equal(await blobs.stat("artifacts/too-big.bin"), null);
    assert.deepEqual(await openUploads(prefix), []);
  });

  void it("keeps every key under its prefix, and says what is wrong with a missing bucket", async () => {
    await blobs.put("runs/r1/logs/build.log", "log");
    const outside = store("");
    try {
      assert.deepEqual(
        (await outside.list(`${prefix}runs/`)).blobs.map((b) => b.key),
        [`${prefix}runs/r1/logs/build.log`],
      );
    } finally {
      outside.close();
    }
    if (s3 === undefined) return;
    const nowhere = new S3BlobStore({
      endpoint: s3.endpoint,
      bucket: "no-such-bucket-c8s",
      credentials: s3.credentials,
    });
    try {
      await assert.rejects(nowhere.put("x", "y"), (e: unknown) => {
        assert.ok(hasCode("STORE_ERROR")(e));
        const text = JSON.stringify({ message: (e as Error).message, ...(e as { details?: object }).details });
        assert.match(text, /NoSuchBucket/);
        assert.doesNotMatch(text, new RegExp(s3.credentials.secretAccessKey));
        return true;
      });
    } finally {
      nowhere.close();
    }
  });
});
