/** Streamed file transfers: byte-exact, errors before the first byte, and failed uploads write nothing. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { ConformanceCase } from "./context.ts";
import { collect, rejectsWithCode, sh } from "./helpers.ts";
import { makeTar } from "./files-cases.ts";

const MiB = 1024 * 1024;

/** `total` deterministic bytes in 64 KiB chunks; fails with `failAt` bytes sent when set. */
function generated(total: number, failAt?: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (failAt !== undefined && sent >= failAt) {
        this.destroy(new Error("the client went away"));
        return;
      }
      if (sent >= total) {
        this.push(null);
        return;
      }
      const n = Math.min(64 * 1024, total - sent);
      const chunk = Buffer.alloc(n);
      for (let i = 0; i < n; i++) chunk[i] = (sent + i) % 251;
      sent += n;
      this.push(chunk);
    },
  });
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

export const streamCases: ConformanceCase[] = [
  {
    name: "files: a large file streams in and out byte for byte, with its mode",
    async run({ runtime, shared }) {
      const size = 8 * MiB + 123;
      const expected = await collect(generated(size));
      await runtime.files.mkdir(shared, "streamed", { recursive: true });
      await runtime.files.writeStream(shared, "streamed/big.bin", generated(size), { mode: 0o640 });
      const back = await collect(await runtime.files.readStream(shared, "streamed/big.bin"));
      assert.equal(back.length, size);
      assert.equal(sha256(back), sha256(expected));
      assert.equal(await sh(runtime, shared, "wc -c < streamed/big.bin | tr -d ' '"), `${size}\n`);
      assert.equal((await runtime.files.stat(shared, "streamed/big.bin")).mode, 0o640);
      const empty = await runtime.files.writeStream(shared, "streamed/empty", Readable.from([]));
      assert.equal(empty, undefined);
      assert.equal((await collect(await runtime.files.readStream(shared, "streamed/empty"))).length, 0);
    },
  },
  {
    name: "files: a streamed read of a missing file, a directory or an outside path fails before it starts",
    async run({ runtime, shared }) {
      await runtime.files.mkdir(shared, "streamed-dir", { recursive: true });
      await rejectsWithCode(runtime.files.readStream(shared, "no-such-file"), ["FILE_NOT_FOUND"]);
      await rejectsWithCode(runtime.files.readStream(shared, "streamed-dir"), ["IS_A_DIRECTORY", "INVALID_ARGUMENT"]);
      await rejectsWithCode(runtime.files.readStream(shared, "../../etc/shadow"), ["PATH_OUTSIDE_SANDBOX"]);
      await rejectsWithCode(runtime.files.readStream(shared, "/etc/passwd"), ["PATH_OUTSIDE_SANDBOX"]);
    },
  },
  {
    name: "files: a failed or over-limit streamed upload writes nothing",
    async run({ runtime, shared }) {
      await runtime.files.write(shared, "kept.txt", Buffer.from("old contents"));
      await assert.rejects(runtime.files.writeStream(shared, "kept.txt", generated(4 * MiB, 1 * MiB)));
      await rejectsWithCode(runtime.files.writeStream(shared, "kept.txt", generated(2 * MiB), { maxBytes: MiB }), [
        "FILE_TOO_LARGE",
      ]);
      assert.equal((await runtime.files.read(shared, "kept.txt")).toString(), "old contents");
      // A tar that ends inside its second entry: the first entry must not be extracted either.
      const whole = await collect(
        await makeTar([
          { name: "first.txt", body: "a".repeat(600) },
          { name: "second.txt", body: "b".repeat(40_000) },
        ]),
      );
      await rejectsWithCode(runtime.files.tarIn(shared, "cut", Readable.from([whole.subarray(0, 4096)])), [
        "TAR_INVALID",
      ]);
      assert.equal(await sh(runtime, shared, "ls cut 2>/dev/null | wc -l | tr -d ' '"), "0\n");
    },
  },
];
