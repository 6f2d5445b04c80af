/**
 * Fuzz (issue 8, Deliver 2): every runtime-side parser of bytes a sandbox, a container or an
 * engine sends, fed 200 truncated, bit-flipped, spliced, repeated and garbage variants of a
 * valid input from a fixed seed (test/fixtures/fuzz.ts). Each must return or throw its
 * documented error — never a TypeError or RangeError, never hang — and a frame header
 * announcing 4 GiB is refused at the header, not buffered. A failure prints seed and index.
 * A new parser is one more row.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import { pack } from "tar-stream";
import { isC8sError } from "../../../src/errors/index.ts";
import { parsePathStatHeader } from "../../../src/runtimes/docker/archive.ts";
import { DockerDemuxer, encodeFrame as dockerFrame } from "../../../src/runtimes/docker/demux.ts";
import { parseExecStatus } from "../../../src/runtimes/kubernetes/exec-protocol.ts";
import { parseEntries } from "../../../src/runtimes/kubernetes/file-scripts.ts";
import { createLocalFiles, type FilesBackend } from "../../../src/runtimes/local/local-files.ts";
import {
  decodeExit,
  decodeStarted,
  encodeFrame,
  FrameDecoder,
  FrameProtocolError,
  FrameType,
} from "../../../src/runtimes/local/protocol.ts";
import { spool } from "../../../src/runtimes/files/spool.ts";
import { validateTarBuffer, validateTarStream } from "../../../src/runtimes/files/tar-guard.ts";
import type { ExecProcess, SandboxHandle } from "../../../src/runtimes/types.ts";
import { chunks, type FuzzRow, fuzzRow, rng } from "../../fixtures/fuzz.ts";

const u32s = (...values: number[]): Buffer => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v, 4 * i));
  return b;
};

/** What the supervisor sends for `echo hi; echo oops >&2; exit 3`, as local-exec.ts reads it. */
const supervisorReply = Buffer.concat([
  encodeFrame(FrameType.started, u32s(42, 41)),
  encodeFrame(FrameType.stdout, Buffer.from("hi\n")),
  encodeFrame(FrameType.stderr, Buffer.from("oops\n")),
  encodeFrame(FrameType.exit, u32s(3, 0)),
]);

function readSupervisorReply(input: Buffer, r: Parameters<FuzzRow["parse"]>[1]): unknown[] {
  const decoder = new FrameDecoder();
  const seen: unknown[] = [];
  for (const chunk of chunks(r, input))
    for (const frame of decoder.push(chunk)) {
      if (frame.type === FrameType.started) seen.push(decodeStarted(frame.payload));
      else if (frame.type === FrameType.exit) seen.push(decodeExit(frame.payload));
      else seen.push(frame.payload.length);
    }
  return seen;
}

const dockerStream = Buffer.concat([
  dockerFrame("stdout", Buffer.from("line one\n")),
  dockerFrame("stderr", Buffer.from("warning\n")),
  dockerFrame("stdout", Buffer.alloc(40_000, 0x61)),
]);

function demuxDocker(input: Buffer, r: Parameters<FuzzRow["parse"]>[1]): number {
  const demuxer = new DockerDemuxer();
  let bytes = 0;
  for (const chunk of chunks(r, input)) for (const frame of demuxer.push(chunk)) bytes += frame.data.length;
  return bytes + demuxer.leftover;
}

const k8sStatus = Buffer.from(
  JSON.stringify({
    metadata: {},
    status: "Failure",
    message: "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3",
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: "3" }] },
  }),
);

/** The k8s list script's records: `mode size mtime \t name \t target`, NUL-separated. */
const k8sListing = Buffer.from(
  "81a4 5 1700000000\tb.txt\t\0" + "41ed 4096 1700000000\tdir\t\0" + "a1ff 3 1700000000\tlink\tb.txt\0",
);

/** The supervisor's `fs list` records: path, name, type, size, octal mode, mtime ms, link — NUL-separated. */
const supervisorListing = Buffer.from(
  ["/workspace/a.txt", "a.txt", "file", "5", "644", "1700000000000", ""].join("\0") +
    "\0" +
    ["/workspace/l", "l", "symlink", "5", "777", "1700000000000", "a.txt"].join("\0") +
    "\0",
);

/** A fake backend whose "supervisor" prints `stdout` and exits 0: the local list parser alone. */
function fakeSupervisorBackend(stdout: Buffer): FilesBackend {
  const proc: ExecProcess = {
    stdout: Readable.from([stdout]),
    stderr: Readable.from([]),
    writeStdin: async () => {},
    closeStdin: async () => {},
    resize: async () => {},
    kill: async () => {},
    result: Promise.resolve({ exitCode: 0, signal: null, reason: "exit", durationMs: 1 }),
  };
  return { workdir: () => "/workspace", helperPath: () => "/.c8s/supervisor", exec: async () => proc };
}
const handle: SandboxHandle = { id: "sbx-fuzz", runtime: "local", ref: {} };

const pathStat = Buffer.from(
  JSON.stringify({ name: "a.txt", size: 5, mode: 420, mtime: "2024-01-01T00:00:00Z", linkTarget: "" }),
);

async function tarOf(build: (p: ReturnType<typeof pack>) => void): Promise<Buffer> {
  const p = pack();
  build(p);
  p.finalize();
  const out: Buffer[] = [];
  for await (const c of p as AsyncIterable<Buffer>) out.push(c);
  return Buffer.concat(out);
}
const archive = await tarOf((p) => {
  p.entry({ name: "dir", type: "directory" });
  p.entry({ name: "dir/a.txt" }, "hello\n");
  p.entry({ name: "dir/link", type: "symlink", linkname: "a.txt" });
  p.entry({ name: `${"long/".repeat(40)}name`, pax: { comment: "pax" } }, "x".repeat(700));
});

const c8sOnly = (error: unknown): boolean => isC8sError(error);

const rows: FuzzRow[] = [
  {
    name: "local supervisor frames (protocol.ts FrameDecoder, decodeStarted/Exit)",
    valid: supervisorReply,
    parse: readSupervisorReply,
    allowed: (e) => e instanceof FrameProtocolError,
  },
  { name: "docker stream demux (demux.ts)", valid: dockerStream, parse: demuxDocker, allowed: c8sOnly },
  {
    name: "kubernetes exec status (exec-protocol.ts parseExecStatus)",
    valid: k8sStatus,
    parse: (input) => parseExecStatus(input.toString("utf8")),
    allowed: () => false,
  },
  {
    name: "kubernetes list/stat records (file-scripts.ts parseEntries)",
    valid: k8sListing,
    parse: (input) => JSON.stringify(parseEntries(input, "/workspace")),
    allowed: () => false,
  },
  {
    name: "local supervisor fs list records (local-files.ts, through list())",
    valid: supervisorListing,
    parse: (input) => createLocalFiles(fakeSupervisorBackend(input)).list(handle, "."),
    allowed: c8sOnly,
  },
  {
    name: "docker path-stat header JSON (archive.ts parsePathStatHeader)",
    valid: pathStat,
    parse: (input) => parsePathStatHeader(input.toString("base64")),
    allowed: c8sOnly,
  },
  {
    name: "docker path-stat header text (archive.ts parsePathStatHeader)",
    valid: Buffer.from(pathStat.toString("base64")),
    parse: (input) => parsePathStatHeader(input.toString("latin1")),
    allowed: c8sOnly,
  },
  {
    name: "tar guard (tar-guard.ts validateTarBuffer)",
    valid: archive,
    parse: (input) => validateTarBuffer(input),
    allowed: c8sOnly,
  },
  {
    name: "tar guard over a chunked stream (tar-guard.ts validateTarStream)",
    valid: archive,
    parse: (input, r) => validateTarStream(Readable.from(chunks(r, input))),
    allowed: c8sOnly,
  },
  {
    name: "upload spool with tar check and a limit (spool.ts)",
    valid: archive,
    parse: async (input, r) =>
      (await spool(Readable.from(chunks(r, input)), { tar: true, maxBytes: 16 * 1024 })).dispose(),
    allowed: c8sOnly,
  },
];

/**
 * Rows whose parser has a known, reported bug not fixed yet: they run and report as TODO
 * (with the bug) instead of failing the suite. Empty: every row must pass.
 */
const KNOWN: Record<string, string> = {};

void describe("fuzz: runtime parsers", () => {
  for (const row of rows) {
    const todo = KNOWN[row.name];
    void test(
      `${row.name}: 200 hostile inputs return or refuse with the documented error`,
      todo ? { todo } : {},
      async () => {
        // The valid input itself parses: the row is wired right.
        await row.parse(row.valid, rng(1));
        await fuzzRow(row);
      },
    );
  }

  void test("a supervisor frame header announcing 4 GiB is refused at the header, nothing buffered", () => {
    const header = Buffer.from([FrameType.stdout, 0xff, 0xff, 0xff, 0xff]);
    assert.throws(() => new FrameDecoder().push(header), FrameProtocolError);
    // Just over the maximum too, and split across pushes (the header arrives byte by byte).
    const decoder = new FrameDecoder(1024);
    const over = Buffer.from([FrameType.stdout, 0, 0, 0x04, 0x01]);
    for (const byte of over.subarray(0, 4)) assert.deepEqual(decoder.push(Buffer.from([byte])), []);
    assert.throws(() => decoder.push(over.subarray(4)), FrameProtocolError);
  });

  void test("a docker frame header announcing 4 GiB fails the stream at the header; later bytes are dropped", () => {
    const demuxer = new DockerDemuxer();
    const header = Buffer.from([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    assert.throws(() => demuxer.push(header), { code: "EXEC_FAILED" });
    assert.deepEqual(demuxer.push(Buffer.alloc(1 << 20)), []);
    assert.equal(demuxer.leftover, 0);
  });

  void test("a tar entry announcing 8 GiB (base-256 size) with no body is TAR_INVALID, fast", async () => {
    // A regular file header with size field in GNU base-256: 0x80 then 8 GiB big-endian.
    const header = Buffer.from(
      await tarOf((p) => {
        p.entry({ name: "huge", size: 0 }, "");
      }),
    ).subarray(0, 512);
    header.fill(0, 124, 136);
    header[124] = 0x80;
    header[131] = 2; // byte 131 counts 2^32: 8 GiB
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
    await assert.rejects(validateTarBuffer(Buffer.concat([header, Buffer.alloc(4096)])), { code: "TAR_INVALID" });
  });

  void test("k8s list records: an mtime past what a Date holds (tmpfs allows it) or a failed stat does not throw", () => {
    const out = Buffer.from("81a4 0 100000000000000\tfar\t\0" + "\tgone\t\0" + "81a4 x 1\tb\t\0");
    const entries = parseEntries(out, "/tmp");
    assert.deepEqual(
      entries.map((e) => [e.name, e.size, e.modifiedAt]),
      [
        ["b", 0, "1970-01-01T00:00:01.000Z"],
        ["far", 0, "1970-01-01T00:00:00.000Z"],
      ],
    );
  });

  void test("docker path-stat: not JSON, null or an array is INTERNAL; fields of the wrong type fall back", () => {
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    for (const text of ["null", "[1]", "7", "{"])
      assert.throws(() => parsePathStatHeader(b64(text)), { code: "INTERNAL" });
    const stat = parsePathStatHeader(b64('{"name":{"toString":1},"size":"9","mode":null,"linkTarget":[]}'));
    assert.deepEqual(stat, { name: "", size: 0, mode: 0, mtime: "1970-01-01T00:00:00.000Z", linkTarget: "" });
  });
});
