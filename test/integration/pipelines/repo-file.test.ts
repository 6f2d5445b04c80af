/**
 * `readCommittedFile` against real git: a file is read from the commit's objects, and every
 * way a repository could point out of itself (a symlink as the file, a symlinked parent) or
 * be too much (a directory, a submodule, over the limit) is refused by name.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cloneAt, git } from "../../../src/pipelines/runner/git-workspace.ts";
import { readCommittedFile } from "../../../src/pipelines/runner/repo-file.ts";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";

let repo: TestRepository;
let work: string;
let commit: string;

before(async () => {
  repo = await createTestRepository({
    ".c8s.yaml": "version: v1alpha1\n",
    "ci/deep/p.yaml": "deep\n",
    "run.sh": "#!/bin/sh\n",
    "big.yaml": "x".repeat(2048),
  });
  await git(["update-index", "--chmod=+x", "run.sh"], { cwd: repo.dir });
  await symlink("/etc/passwd", join(repo.dir, "passwd.yaml"));
  await symlink("ci", join(repo.dir, "inner"));
  await symlink("/etc", join(repo.dir, "etc"));
  await repo.commit({}, "links");
  // A submodule entry (mode 160000) without a checkout: committed straight from the index.
  await git(["update-index", "--add", "--cacheinfo", `160000,${repo.commits[0]},sub`], { cwd: repo.dir });
  const id = ["-c", "user.name=t", "-c", "user.email=t@c8s.invalid", "-c", "commit.gpgsign=false"];
  await git([...id, "commit", "--quiet", "-m", "gitlink"], { cwd: repo.dir });
  commit = (await git(["rev-parse", "HEAD"], { cwd: repo.dir })).stdout.trim();
  work = await mkdtemp(join(tmpdir(), "c8s-repo-file-"));
  await cloneAt({ url: repo.url, commit }, join(work, "clone"));
});
after(async () => {
  await repo?.cleanup();
  await rm(work, { recursive: true, force: true });
});

const read = (path: string, maxBytes?: number) =>
  readCommittedFile(join(work, "clone"), commit, path, maxBytes === undefined ? {} : { maxBytes });

const cases: { path: string; maxBytes?: number; expect: string | RegExp }[] = [
  { path: ".c8s.yaml", expect: "version: v1alpha1\n" },
  { path: "ci/deep/p.yaml", expect: "deep\n" },
  { path: "run.sh", expect: "#!/bin/sh\n" },
  { path: "passwd.yaml", expect: /passwd\.yaml is a symbolic link/ },
  { path: "inner/deep/p.yaml", expect: /inner is a symbolic link/ },
  { path: "etc/passwd", expect: /etc is a symbolic link/ },
  { path: "missing.yaml", expect: /missing\.yaml does not exist/ },
  { path: "ci/missing.yaml", expect: /ci\/missing\.yaml does not exist/ },
  { path: "ci", expect: /ci is not a regular file \(a directory\)/ },
  { path: "run.sh/x", expect: /run\.sh is not a directory/ },
  { path: "sub", expect: /sub is not a regular file \(commit\)/ },
  { path: "sub/x", expect: /sub is not a directory/ },
  { path: "big.yaml", maxBytes: 1024, expect: /2048 bytes, over the 1024-byte limit/ },
  { path: "*.yaml", expect: /does not exist/ },
  { path: ":(glob)**/p.yaml", expect: /does not exist/ },
];

for (const c of cases)
  void test(`readCommittedFile ${c.path}`, async () => {
    if (typeof c.expect === "string") assert.equal((await read(c.path, c.maxBytes)).toString(), c.expect);
    else
      await assert.rejects(read(c.path, c.maxBytes), (e: Error & { code?: string }) => {
        assert.equal(e.code, "PIPELINE_INVALID");
        assert.match(e.message, c.expect as RegExp);
        assert.doesNotMatch(e.message, /root:/, "never the content of a link's target");
        return true;
      });
  });
