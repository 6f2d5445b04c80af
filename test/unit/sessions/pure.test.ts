/** The pure parts of sessions: path rules, ignore patterns, the workspace tar both ways, the sync diff. */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import tar from "tar-stream";
import { isC8sError } from "../../../src/errors/index.ts";
import { baselineOf, diffWorkspace } from "../../../src/sessions/diff.ts";
import { DEFAULT_IGNORE, isIgnored, linkInside, sessionDir, sessionPath } from "../../../src/sessions/paths.ts";
import { packWorkspace, readWorkspaceTar, sha256Of } from "../../../src/sessions/workspace-tar.ts";
import type { SessionFile } from "../../../src/store/index.ts";

const file = (path: string, text: string, version = 1): SessionFile => {
  const content = Buffer.from(text);
  return {
    path,
    kind: "file",
    mode: 0o644,
    size: content.length,
    sha256: sha256Of(content),
    version,
    linkTarget: null,
    mtime: "2026-12-01T10:00:00.000Z",
    content,
  };
};

void describe("session paths", () => {
  void it("normalizes relative paths and refuses escapes", () => {
    assert.equal(sessionPath("a/./b//c.txt"), "a/b/c.txt");
    for (const bad of ["../x", "a/../../x", "a/../b", "/etc/passwd", "a\0b"])
      assert.throws(
        () => sessionPath(bad),
        (e: unknown) => isC8sError(e) && e.code === "PATH_OUTSIDE_SANDBOX",
        bad,
      );
    assert.throws(
      () => sessionPath("./"),
      (e: unknown) => isC8sError(e) && e.code === "INVALID_ARGUMENT",
    );
    assert.equal(sessionDir(undefined), "");
    assert.equal(sessionDir("src/"), "src");
  });

  void it("ignores directories at any depth and exact paths", () => {
    assert.ok(isIgnored("node_modules/a/b.js", DEFAULT_IGNORE));
    assert.ok(isIgnored("pkg/node_modules/a.js", DEFAULT_IGNORE));
    assert.ok(isIgnored("x/__pycache__/m.pyc", DEFAULT_IGNORE));
    assert.ok(!isIgnored("node_modules.txt", DEFAULT_IGNORE));
    assert.ok(isIgnored("build/out/x", ["build/out/"]));
    assert.ok(!isIgnored("src/build/out/x", ["build/out/"]));
    assert.ok(isIgnored("secret.env", ["secret.env"]));
  });

  void it("resolves symlink targets inside the workspace only", () => {
    assert.equal(linkInside("a/b", "../c"), "c");
    assert.equal(linkInside("a", "../x"), null);
    assert.equal(linkInside("a", "/etc/passwd"), null);
  });
});

void describe("the workspace tar", () => {
  void it("packs files with parents first and reads back files and inside symlinks, skipping the rest", async () => {
    const files = [
      file("src/a.py", "print(1)\n"),
      { ...file("bin/x", ""), kind: "symlink" as const, linkTarget: "../src/a.py", size: 0 },
    ];
    const { entries, skipped } = await readWorkspaceTar(packWorkspace(files), { ignore: [], maxFileBytes: 1024 });
    assert.deepEqual([...entries.keys()].sort(), ["bin/x", "src/a.py"]);
    assert.equal(entries.get("src/a.py")?.content.toString(), "print(1)\n");
    assert.equal(entries.get("bin/x")?.linkTarget, "../src/a.py");
    assert.deepEqual(skipped, []);

    const pack = tar.pack();
    pack.entry({ name: "./ok.txt" }, "ok");
    pack.entry({ name: "./out", type: "symlink", linkname: "/etc" });
    pack.entry({ name: "./big", size: 2000 }, Buffer.alloc(2000));
    pack.entry({ name: "./node_modules/m.js" }, "m");
    pack.entry({ name: "./fifo", type: "fifo" });
    pack.finalize();
    const read = await readWorkspaceTar(Readable.from(pack as unknown as AsyncIterable<Buffer>), {
      ignore: DEFAULT_IGNORE,
      maxFileBytes: 1024,
    });
    assert.deepEqual([...read.entries.keys()], ["ok.txt"]);
    assert.deepEqual(
      read.skipped.map((s) => `${s.path}:${s.reason}`),
      ["out:outside-link", "big:too-large", "fifo:unsupported-type"],
    );
  });
});

void describe("the sync diff", () => {
  void it("writes only what changed since the baseline, with its If-Match, and deletes what went", async () => {
    const baseline = baselineOf([
      file("same", "s", 3),
      file("changed", "old", 2),
      file("gone", "g", 5),
      file("big", "b", 1),
    ]);
    const now = [file("same", "s"), file("changed", "new"), file("new", "n")];
    const seen = new Map(now.map((f) => [f.path, { ...f }]));
    const changes = diffWorkspace(baseline, seen, [], new Set(["big"]));
    assert.deepEqual(changes.writes.map((w) => `${w.path}@${String(w.ifVersion)}`).sort(), ["changed@2", "new@0"]);
    assert.deepEqual(changes.deletes, [{ path: "gone", ifVersion: 5 }]);
  });
});
