/** File semantics and the path policy every runtime must share. */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract, pack } from "tar-stream";
import type { ConformanceCase } from "./context.ts";
import { collect, rejectsWithCode, sh } from "./helpers.ts";

type TarSpec = Array<{
  name: string;
  type?: "file" | "directory" | "symlink" | "link";
  body?: string;
  mode?: number;
  linkname?: string;
}>;

export async function makeTar(entries: TarSpec): Promise<Readable> {
  const p = pack();
  for (const e of entries) {
    const header = { name: e.name, type: e.type ?? "file", mode: e.mode, linkname: e.linkname };
    if ((e.type ?? "file") === "file") p.entry(header, e.body ?? "");
    else p.entry(header);
  }
  p.finalize();
  return Readable.from([await collect(p as unknown as Readable)]);
}

export async function readTar(stream: Readable): Promise<Map<string, { type: string; mode: number; body: string }>> {
  const out = new Map<string, { type: string; mode: number; body: string }>();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on("entry", (h, body, next) => {
      void collect(body as unknown as Readable).then((b) => {
        out.set(h.name.replace(/^\.\//, "").replace(/\/$/, ""), {
          type: h.type ?? "file",
          mode: (h.mode ?? 0) & 0o7777,
          body: b.toString(),
        });
        next();
      }, reject);
    });
    ex.on("finish", resolve);
    ex.on("error", reject);
  });
  // pipeline: an error of the source (not only of the extractor) fails the read, never the process.
  await Promise.all([pipeline(stream, ex), done]);
  return out;
}

const OUTSIDE = ["PATH_OUTSIDE_SANDBOX"];

export const filesCases: ConformanceCase[] = [
  {
    name: "files: write then read, relative paths resolve against the workdir",
    async run({ runtime, shared, sharedSpec }) {
      await runtime.files.write(shared, "rw/hello.txt", Buffer.from("hi there")).catch(async () => {
        await runtime.files.mkdir(shared, "rw", { recursive: true });
        await runtime.files.write(shared, "rw/hello.txt", Buffer.from("hi there"));
      });
      assert.equal((await runtime.files.read(shared, `${sharedSpec.workdir}/rw/hello.txt`)).toString(), "hi there");
      assert.equal(await sh(runtime, shared, "cat rw/hello.txt"), "hi there");
      await sh(runtime, shared, "printf 'from exec' > rw/exec.txt");
      assert.equal((await runtime.files.read(shared, "rw/exec.txt")).toString(), "from exec");
      const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await runtime.files.write(shared, "/tmp/bin.dat", binary);
      assert.ok((await runtime.files.read(shared, "/tmp/bin.dat")).equals(binary));
    },
  },
  {
    name: "files: stat and list report type, size, mode and link targets",
    async run({ runtime, shared, sharedSpec }) {
      await runtime.files.mkdir(shared, "st/sub", { recursive: true });
      await runtime.files.write(shared, "st/a.sh", Buffer.from("#!/bin/sh\n"), { mode: 0o750 });
      await sh(runtime, shared, "ln -s a.sh st/link");
      const s = await runtime.files.stat(shared, "st/a.sh");
      assert.deepEqual(
        [s.type, s.size, s.mode, s.name, s.path],
        ["file", 10, 0o750, "a.sh", `${sharedSpec.workdir}/st/a.sh`],
      );
      assert.ok(!Number.isNaN(Date.parse(s.modifiedAt)));
      const entries = (await runtime.files.list(shared, "st")).sort((a, b) => a.name.localeCompare(b.name));
      assert.deepEqual(
        entries.map((e) => [e.name, e.type]),
        [
          ["a.sh", "file"],
          ["link", "symlink"],
          ["sub", "directory"],
        ],
      );
      assert.equal(entries[1]?.linkTarget, "a.sh");
      await rejectsWithCode(runtime.files.stat(shared, "st/missing"), ["FILE_NOT_FOUND"]);
      await rejectsWithCode(runtime.files.read(shared, "st/missing"), ["FILE_NOT_FOUND"]);
      await rejectsWithCode(runtime.files.list(shared, "st/a.sh"), ["NOT_A_DIRECTORY"]);
      await rejectsWithCode(runtime.files.read(shared, "st/sub"), ["IS_A_DIRECTORY"]);
    },
  },
  {
    name: "files: mkdir and remove, recursive and not",
    async run({ runtime, shared }) {
      await rejectsWithCode(runtime.files.mkdir(shared, "mk/a/b"), ["FILE_NOT_FOUND"]);
      await runtime.files.mkdir(shared, "mk/a/b", { recursive: true });
      await runtime.files.mkdir(shared, "mk/a/b", { recursive: true });
      await runtime.files.write(shared, "mk/a/b/f", Buffer.from("x"));
      await runtime.files.remove(shared, "mk/a/b/f");
      await rejectsWithCode(runtime.files.stat(shared, "mk/a/b/f"), ["FILE_NOT_FOUND"]);
      await runtime.files.write(shared, "mk/a/b/g", Buffer.from("x"));
      await assert.rejects(runtime.files.remove(shared, "mk/a"));
      await runtime.files.remove(shared, "mk", { recursive: true });
      assert.equal(await sh(runtime, shared, "test -e mk && echo yes || echo no"), "no\n");
    },
  },
  {
    name: "files: tar out and tar in of a directory keep contents and permissions",
    async run({ runtime, shared }) {
      await sh(
        runtime,
        shared,
        "mkdir -p tar-src/d && printf one > tar-src/one && printf two > tar-src/d/two && chmod 741 tar-src/d/two && ln -s one tar-src/ln",
      );
      const entries = await readTar(await runtime.files.tarOut(shared, "tar-src"));
      assert.equal(entries.get("one")?.body, "one");
      assert.equal(entries.get("d/two")?.mode, 0o741);
      assert.equal(entries.get("ln")?.type, "symlink");
      await runtime.files.tarIn(shared, "tar-dst/nested", await runtime.files.tarOut(shared, "tar-src"));
      assert.equal(
        await sh(
          runtime,
          shared,
          "cat tar-dst/nested/d/two; stat -c %a tar-dst/nested/d/two; readlink tar-dst/nested/ln",
        ),
        "two741\none\n",
      );
      await runtime.files.tarIn(
        shared,
        "tar-up",
        await makeTar([
          { name: "x/y.txt", body: "yy", mode: 0o600 },
          { name: "z", type: "directory", mode: 0o755 },
        ]),
      );
      assert.equal((await runtime.files.read(shared, "tar-up/x/y.txt")).toString(), "yy");
      assert.equal((await runtime.files.stat(shared, "tar-up/x/y.txt")).mode, 0o600);
    },
  },
  {
    name: "files: '..' traversal and absolute escapes are rejected",
    async run({ runtime, shared }) {
      await rejectsWithCode(runtime.files.read(shared, "../../etc/passwd"), OUTSIDE);
      await rejectsWithCode(runtime.files.read(shared, "/etc/passwd"), OUTSIDE);
      await rejectsWithCode(runtime.files.write(shared, "/etc/c8s-evil", Buffer.from("x")), OUTSIDE);
      await rejectsWithCode(runtime.files.list(shared, "/"), OUTSIDE);
      await rejectsWithCode(runtime.files.remove(shared, "/tmp/../usr", { recursive: true }), OUTSIDE);
      await rejectsWithCode(runtime.files.tarOut(shared, "/etc"), OUTSIDE);
    },
  },
  {
    name: "files: symlinks that resolve outside are rejected",
    async run({ runtime, shared }) {
      await sh(runtime, shared, "ln -sfn /etc esc-dir && ln -sfn /etc/passwd esc-file && ln -sfn ../.. esc-up");
      await rejectsWithCode(runtime.files.read(shared, "esc-file"), OUTSIDE);
      await rejectsWithCode(runtime.files.read(shared, "esc-dir/passwd"), OUTSIDE);
      await rejectsWithCode(runtime.files.list(shared, "esc-dir"), OUTSIDE);
      await rejectsWithCode(runtime.files.write(shared, "esc-dir/c8s-evil", Buffer.from("x")), OUTSIDE);
      await rejectsWithCode(runtime.files.write(shared, "esc-file", Buffer.from("x")), OUTSIDE);
      await rejectsWithCode(runtime.files.read(shared, "esc-up/etc/passwd"), OUTSIDE);
      await rejectsWithCode(runtime.files.tarIn(shared, "esc-dir", await makeTar([{ name: "f", body: "x" }])), OUTSIDE);
      // the link itself may be listed, stat'ed and removed: that touches only the workspace
      assert.equal((await runtime.files.stat(shared, "esc-file")).type, "symlink");
      await runtime.files.remove(shared, "esc-file");
    },
  },
  {
    name: "files: tar-slip entries are rejected and nothing is written",
    async run({ runtime, shared }) {
      const bad: Array<Parameters<typeof makeTar>[0]> = [
        [
          { name: "ok.txt", body: "fine" },
          { name: "../slip.txt", body: "x" },
        ],
        [{ name: "/tmp/abs-slip.txt", body: "x" }],
        [
          { name: "l", type: "symlink", linkname: "/etc" },
          { name: "l/passwd", body: "x" },
        ],
        [{ name: "l2", type: "symlink", linkname: "../../.." }],
        [{ name: "h", type: "link", linkname: "../../etc/passwd" }],
      ];
      for (const entries of bad) {
        await rejectsWithCode(runtime.files.tarIn(shared, "slip", await makeTar(entries)), OUTSIDE);
      }
      assert.equal(
        await sh(
          runtime,
          shared,
          "ls slip 2>/dev/null | wc -l; test -e ../slip.txt && echo bad; test -e /tmp/abs-slip.txt && echo bad; true",
        ),
        "0\n",
      );
    },
  },
];
