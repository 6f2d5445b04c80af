import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { cloneAt, currentCheckout } from "../../../src/pipelines/runner/git-workspace.ts";
import { createTestRepository } from "../../fixtures/git.ts";

void test("a fresh clone checks out exactly the requested commit", async (t) => {
  const repo = await createTestRepository({ "a.txt": "one\n" });
  const work = await mkdtemp(join(tmpdir(), "c8s-clone-"));
  t.after(async () => {
    await repo.cleanup();
    await rm(work, { recursive: true, force: true });
  });
  const first = repo.commits[0] ?? "";
  await repo.commit({ "a.txt": "two\n", "b.txt": "new\n" });

  const old = await cloneAt({ url: repo.url, commit: first }, join(work, "old"));
  assert.equal(old.commit, first);
  assert.equal(await readFile(join(old.dir, "a.txt"), "utf8"), "one\n");
  await assert.rejects(readFile(join(old.dir, "b.txt")), { code: "ENOENT" });

  const head = await cloneAt({ url: repo.url, commit: "main" }, join(work, "head"));
  assert.equal(head.commit, repo.commits[1]);
  assert.equal(await readFile(join(head.dir, "b.txt"), "utf8"), "new\n");
});

void test("a clone of a plain path shares no inode with the source and nothing in it is group/world-writable", async (t) => {
  const repo = await createTestRepository({ "a.txt": "one\n" });
  const work = await mkdtemp(join(tmpdir(), "c8s-clone-"));
  t.after(async () => {
    await repo.cleanup();
    await rm(work, { recursive: true, force: true });
  });
  const sourceInodes = new Set<number>();
  for (const entry of await readdir(join(repo.dir, ".git", "objects"), { recursive: true }))
    sourceInodes.add((await stat(join(repo.dir, ".git", "objects", entry))).ino);
  const clone = await cloneAt({ url: repo.dir, commit: "main" }, join(work, "c"));
  for (const entry of await readdir(clone.dir, { recursive: true })) {
    const info = await stat(join(clone.dir, entry));
    assert.ok(!sourceInodes.has(info.ino), `${entry} is hardlinked to the source`);
    assert.equal(info.mode & 0o022, 0, `${entry} is group/world-writable`);
  }
});

void test("clone errors say what is wrong", async (t) => {
  const repo = await createTestRepository({ "a.txt": "x" });
  const work = await mkdtemp(join(tmpdir(), "c8s-clone-"));
  t.after(async () => {
    await repo.cleanup();
    await rm(work, { recursive: true, force: true });
  });
  await assert.rejects(cloneAt({ url: `${repo.url}-missing`, commit: "main" }, join(work, "a")), /cannot clone/);
  await assert.rejects(
    cloneAt({ url: repo.url, commit: "0123456789abcdef0123456789abcdef01234567" }, join(work, "b")),
    { code: "INVALID_ARGUMENT", message: /is not in/ },
  );
});

void test("currentCheckout finds the root, HEAD, branch and dirtiness", async (t) => {
  const repo = await createTestRepository({ "dir/a.txt": "x" });
  t.after(() => repo.cleanup());
  const info = await currentCheckout(join(repo.dir, "dir"));
  assert.equal(info.commit, repo.commits[0]);
  assert.equal(info.branch, "main");
  assert.equal(info.dirty, false);
  assert.ok(info.url.startsWith("file://"));
  await writeFile(join(repo.dir, "dir/a.txt"), "changed");
  assert.equal((await currentCheckout(repo.dir)).dirty, true);
  await assert.rejects(currentCheckout(tmpdir()), /not inside a git checkout/);
});
