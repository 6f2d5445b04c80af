/** The filesystem BlobStore on a real temp directory. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { FsBlobStore, readBlob } from "../../../src/blobs/index.ts";
import { isC8sError } from "../../../src/errors/index.ts";

const hasCode = (code: string) => (e: unknown) => isC8sError(e) && e.code === code;

void describe("FsBlobStore", () => {
  let root: string;
  let blobs: FsBlobStore;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "c8s-blobs-"));
    blobs = new FsBlobStore(join(root, "blobs"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  void it("puts from a buffer, a string and a stream, and gets the same bytes back", async () => {
    const binary = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    const info = await blobs.put("t1/bin", binary, { contentType: "application/octet-stream" });
    assert.equal(info.size, binary.length);
    assert.equal(info.contentType, "application/octet-stream");
    assert.deepEqual(await readBlob(blobs, "t1/bin"), binary);
    await blobs.put("t1/text", "héllo");
    assert.equal((await readBlob(blobs, "t1/text")).toString(), "héllo");
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    async function* pieces() {
      for (let i = 0; i < big.length; i += 65_536) yield big.subarray(i, i + 65_536);
    }
    await blobs.put("t1/stream", Readable.from(pieces()));
    assert.deepEqual(await readBlob(blobs, "t1/stream"), big);
    assert.equal((await blobs.stat("t1/stream"))?.size, big.length);
  });

  void it("reads byte ranges", async () => {
    await blobs.put("t2/log", "0123456789");
    assert.equal((await readBlob(blobs, "t2/log", { range: { start: 3, end: 6 } })).toString(), "345");
    assert.equal((await readBlob(blobs, "t2/log", { range: { start: 7 } })).toString(), "789");
    await assert.rejects(blobs.get("t2/log", { range: { start: 5, end: 2 } }), hasCode("INVALID_ARGUMENT"));
  });

  void it("replaces objects atomically and leaves no temp files", async () => {
    await blobs.put("t3/obj", "first version");
    await blobs.put("t3/obj", "second");
    assert.equal((await readBlob(blobs, "t3/obj")).toString(), "second");
    assert.equal((await blobs.stat("t3/obj"))?.contentType, null);
    assert.deepEqual(await readdir(join(blobs.root, ".tmp")), []);
  });

  void it("a failed put (too large, or a failing stream) stores nothing and keeps the old object", async () => {
    await blobs.put("t4/keep", "old");
    await assert.rejects(blobs.put("t4/keep", Buffer.alloc(100), { maxBytes: 10 }), hasCode("FILE_TOO_LARGE"));
    async function* failing() {
      yield Buffer.from("partial");
      throw new Error("client went away");
    }
    await assert.rejects(blobs.put("t4/keep", Readable.from(failing())), hasCode("STORE_ERROR"));
    await assert.rejects(blobs.put("t4/new", Readable.from(failing())), hasCode("STORE_ERROR"));
    assert.equal((await readBlob(blobs, "t4/keep")).toString(), "old");
    assert.equal(await blobs.stat("t4/new"), null);
    assert.deepEqual(await readdir(join(blobs.root, ".tmp")), []);
  });

  void it("lets a key and keys under it coexist, as in S3", async () => {
    await blobs.put("t5/a", "parent");
    await blobs.put("t5/a/b", "child");
    assert.equal((await readBlob(blobs, "t5/a")).toString(), "parent");
    assert.equal((await readBlob(blobs, "t5/a/b")).toString(), "child");
  });

  void it("lists by string prefix in byte order, with pages", async () => {
    for (const key of ["t6/b", "t6/a/2", "t6/a/10", "t6/ab", "t6/c.txt", "t6x/other"]) await blobs.put(key, key);
    const keys = async (prefix: string) => (await blobs.list(prefix)).blobs.map((b) => b.key);
    assert.deepEqual(await keys("t6/"), ["t6/a/10", "t6/a/2", "t6/ab", "t6/b", "t6/c.txt"]);
    assert.deepEqual(await keys("t6/a"), ["t6/a/10", "t6/a/2", "t6/ab"]);
    assert.deepEqual(await keys("t6"), ["t6/a/10", "t6/a/2", "t6/ab", "t6/b", "t6/c.txt", "t6x/other"]);
    assert.deepEqual(await keys("nothing/"), []);
    const first = await blobs.list("t6/", { limit: 2 });
    assert.deepEqual(
      first.blobs.map((b) => b.key),
      ["t6/a/10", "t6/a/2"],
    );
    assert.equal(first.nextStartAfter, "t6/a/2");
    const second = await blobs.list("t6/", { limit: 2, startAfter: first.nextStartAfter ?? "" });
    assert.deepEqual(
      second.blobs.map((b) => b.key),
      ["t6/ab", "t6/b"],
    );
    const third = await blobs.list("t6/", { limit: 2, startAfter: second.nextStartAfter ?? "" });
    assert.deepEqual(
      third.blobs.map((b) => b.key),
      ["t6/c.txt"],
    );
    assert.equal(third.nextStartAfter, null);
    assert.ok(!(await keys("")).some((k) => k.startsWith(".tmp")));
  });

  void it("deletes objects and prefixes, pruning empty directories", async () => {
    await blobs.put("t7/x/y/z", "1");
    await blobs.put("t7/x/w", "2");
    await blobs.put("t7/keep", "3");
    assert.equal(await blobs.delete("t7/x/y/z"), true);
    assert.equal(await blobs.delete("t7/x/y/z"), false);
    assert.equal(existsSync(join(blobs.root, "t7", "x", "y")), false);
    await assert.rejects(blobs.get("t7/x/y/z"), hasCode("NOT_FOUND"));
    assert.equal(await blobs.deletePrefix("t7/x/"), 1);
    assert.deepEqual(
      (await blobs.list("t7/")).blobs.map((b) => b.key),
      ["t7/keep"],
    );
  });

  void it("rejects traversal in every operation without touching the disk outside its root", async () => {
    await assert.rejects(blobs.put("../escape", "x"), hasCode("INVALID_ARGUMENT"));
    await assert.rejects(blobs.put("/abs", "x"), hasCode("INVALID_ARGUMENT"));
    await assert.rejects(blobs.get("a/../../x"), hasCode("INVALID_ARGUMENT"));
    await assert.rejects(blobs.stat(".."), hasCode("INVALID_ARGUMENT"));
    await assert.rejects(blobs.list("../"), hasCode("INVALID_ARGUMENT"));
    await assert.rejects(blobs.deletePrefix("t7/../../"), hasCode("INVALID_ARGUMENT"));
    assert.equal(existsSync(join(root, "escape.blob")), false);
  });
});
