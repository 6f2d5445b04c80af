/** The filesystem BlobStore on a real temp directory: the blob suite, and what only a filesystem can show. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FsBlobStore } from "../../../src/blobs/index.ts";
import { hasCode, runBlobSuite } from "../../fixtures/blob-suite.ts";

runBlobSuite("filesystem", async () => {
  const root = await mkdtemp(join(tmpdir(), "c8s-blobs-"));
  const blobs = new FsBlobStore(join(root, "blobs"));
  return {
    blobs,
    leftovers: async () => readdir(join(blobs.root, ".tmp")).catch(() => []),
    close: () => rm(root, { recursive: true, force: true }),
  };
});

void describe("FsBlobStore on disk", () => {
  let root: string;
  let blobs: FsBlobStore;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "c8s-blobs-"));
    blobs = new FsBlobStore(join(root, "blobs"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  void it("prunes empty directories on delete and hides its temp directory from listings", async () => {
    await blobs.put("t7/x/y/z", "1");
    await blobs.put("t7/keep", "3");
    assert.equal(await blobs.delete("t7/x/y/z"), true);
    assert.equal(existsSync(join(blobs.root, "t7", "x")), false);
    await assert.rejects(blobs.put("t9/n", Buffer.alloc(10), { maxBytes: 1 }), hasCode("FILE_TOO_LARGE"));
    assert.ok(!(await blobs.list("")).blobs.some((b) => b.key.startsWith(".tmp")));
  });

  void it("writes nothing outside its root for a traversing key", async () => {
    await assert.rejects(blobs.put("../escape", "x"), hasCode("INVALID_ARGUMENT"));
    assert.equal(existsSync(join(root, "escape.blob")), false);
  });
});
