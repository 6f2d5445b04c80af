import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertBlobKey, assertBlobPrefix } from "../../../src/blobs/index.ts";
import { prefixDirectory } from "../../../src/blobs/keys.ts";
import { isC8sError } from "../../../src/errors/index.ts";

const invalid = (e: unknown) => isC8sError(e) && e.code === "INVALID_ARGUMENT" && typeof e.hint === "string";

void describe("blob keys", () => {
  void it("accepts S3-style keys", () => {
    for (const key of ["a", "runs/r1/logs/build.log", "x/.hidden", "a b/ü/…", "dots..inside/v1.2.3", "a".repeat(1024)])
      assert.doesNotThrow(() => assertBlobKey(key), key);
  });

  void it("rejects traversal, absolute paths, empty segments and odd characters", () => {
    for (const key of [
      "",
      "/etc/passwd",
      "../x",
      "a/../../x",
      "a/./b",
      ".",
      "..",
      "a//b",
      "a/",
      "a\\..\\b",
      "a\u0000b",
      "line\nbreak",
      "a".repeat(1025),
      "é".repeat(600),
    ])
      assert.throws(() => assertBlobKey(key), invalid, JSON.stringify(key));
  });

  void it("accepts list prefixes (empty, directory-like, partial) and rejects escaping ones", () => {
    for (const prefix of ["", "runs/", "runs/r1/lo", "runs", "r"])
      assert.doesNotThrow(() => assertBlobPrefix(prefix), prefix);
    for (const prefix of ["/", "/runs", "../", "runs/../", "runs/..", "a//", "a/./b", "a\\b"])
      assert.throws(() => assertBlobPrefix(prefix), invalid, prefix);
  });

  void it("finds the directory a prefix's keys live under", () => {
    assert.equal(prefixDirectory(""), "");
    assert.equal(prefixDirectory("runs"), "");
    assert.equal(prefixDirectory("runs/"), "runs");
    assert.equal(prefixDirectory("runs/r1/lo"), "runs/r1");
  });
});
