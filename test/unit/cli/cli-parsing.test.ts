/** Pure parts of the CLI: flag values, cp locations, exit codes, error printing, tar-slip guard, dispatch. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { z } from "zod";
import { C8sError } from "../../../src/errors/index.ts";
import { AuthenticationError, ConnectionError, NotFoundError } from "../../../packages/sdk/src/index.ts";
import { describeError, formatError, UsageError } from "../../../src/cli/errors.ts";
import { parseBytes, parseDuration, parseFlags, parsePairs } from "../../../src/cli/flags.ts";
import { execExitCode, parseCpLocation, relativeTime, table } from "../../../src/cli/format.ts";
import { safeEntryPath } from "../../../src/runtimes/files/host-tar.ts";
import { formatChecks } from "../../../src/cli/commands/doctor.ts";
import { clientUrl } from "../../../src/cli/commands/serve.ts";
import { main } from "../../../src/cli/dispatch.ts";
import type { CliIo } from "../../../src/cli/io.ts";

void test("durations and sizes", () => {
  assert.equal(parseDuration("1500"), 1500);
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("30s"), 30_000);
  assert.equal(parseDuration("1.5m"), 90_000);
  assert.equal(parseDuration("2h"), 7_200_000);
  assert.equal(parseDuration("soon"), undefined);
  assert.equal(parseBytes("512M"), 512 * 1024 ** 2);
  assert.equal(parseBytes("1Gi"), 1024 ** 3);
  assert.equal(parseBytes("4096"), 4096);
  assert.equal(parseBytes("lots"), undefined);
});

void test("KEY=VALUE pairs keep '=' in values and reject missing keys", () => {
  assert.deepEqual(parsePairs(["A=1", "B=x=y", "C="], "env", "u"), { A: "1", B: "x=y", C: "" });
  assert.equal(parsePairs(undefined, "env", "u"), undefined);
  assert.throws(() => parsePairs(["=1"], "env", "u"), UsageError);
  assert.throws(() => parsePairs(["novalue"], "env", "u"), /KEY=VALUE/);
});

void test("parseFlags: unknown flags and bad values are usage errors naming the flag; `--` ends flags", () => {
  const spec = { count: { type: "string" as const }, json: { type: "boolean" as const } };
  const schema = z.object({ count: z.coerce.number().int().optional(), json: z.boolean().optional() });
  const parsed = parseFlags(["id", "--count", "3", "--", "ls", "--json"], spec, schema, "usage");
  assert.deepEqual(parsed.flags, { count: 3 });
  assert.deepEqual(parsed.positionals, ["id"]);
  assert.deepEqual(parsed.rest, ["ls", "--json"]);
  assert.throws(
    () => parseFlags(["--nope"], spec, schema, "usage"),
    (e: unknown) => e instanceof UsageError && /--nope/.test(e.message),
  );
  assert.throws(
    () => parseFlags(["--count", "x"], spec, schema, "usage"),
    (e: unknown) => e instanceof UsageError && /--count/.test(e.message),
  );
});

void test("cp locations: ID:path is the sandbox, anything path-like is the host", () => {
  assert.deepEqual(parseCpLocation("sbx_1:/work/a"), { sandboxId: "sbx_1", path: "/work/a" });
  assert.deepEqual(parseCpLocation("sbx_1:"), { sandboxId: "sbx_1", path: "." });
  assert.deepEqual(parseCpLocation("./a:b"), { host: "./a:b" });
  assert.deepEqual(parseCpLocation("/tmp/x:y"), { host: "/tmp/x:y" });
  assert.deepEqual(parseCpLocation("file.txt"), { host: "file.txt" });
});

void test("exec exit codes: own code, 124 on timeout, 128+N on signal N", () => {
  const signals = { SIGKILL: 9, SIGTERM: 15 };
  assert.equal(execExitCode({ exitCode: 3, signal: null, reason: "exit" }, signals), 3);
  assert.equal(execExitCode({ exitCode: null, signal: "SIGKILL", reason: "timeout" }, signals), 124);
  assert.equal(execExitCode({ exitCode: null, signal: "SIGTERM", reason: "signal" }, signals), 143);
});

void test("errors print as error[CODE] + hint with the documented exit code", () => {
  const auth = describeError(
    new AuthenticationError("bad token", { code: "UNAUTHENTICATED", status: 401, hint: "set C8S_TOKEN" }),
  );
  assert.equal(auth.exitCode, 4);
  assert.equal(formatError(auth), "error[UNAUTHENTICATED]: bad token\nhint: set C8S_TOKEN\n");
  assert.equal(describeError(new NotFoundError("gone", { code: "SANDBOX_NOT_FOUND", status: 404 })).exitCode, 5);
  assert.equal(describeError(new ConnectionError("down", { code: "CONNECTION_FAILED" })).exitCode, 3);
  assert.equal(describeError(new C8sError("SERVER_NOT_CONFIGURED", "none")).exitCode, 3);
  assert.equal(describeError(new UsageError("bad")).exitCode, 2);
  assert.equal(describeError(new C8sError("SANDBOX_NOT_RUNNING", "stopped")).exitCode, 1);
  const unknown = describeError(new Error("boom"));
  assert.equal(unknown.code, "INTERNAL");
  assert.equal(unknown.exitCode, 1);
});

void test("tar entries may not escape the destination", () => {
  assert.equal(safeEntryPath("/dest", "a/b.txt"), "/dest/a/b.txt");
  assert.equal(safeEntryPath("/dest", "./a/../b"), "/dest/b");
  for (const bad of ["../x", "a/../../x", "/etc/passwd", ".."]) {
    assert.throws(
      () => safeEntryPath("/dest", bad),
      (e: unknown) => e instanceof C8sError && e.code === "PATH_OUTSIDE_SANDBOX",
      bad,
    );
  }
});

void test("doctor output: every check with its status, the fix only under problems, a verdict", () => {
  const text = formatChecks({
    ok: false,
    isolated: false,
    checks: [
      { id: "bwrap", title: "bubblewrap", status: "ok", detail: "0.8.0", fix: "unused" },
      { id: "cg", title: "cgroups", status: "warn", detail: "v1 only", fix: "enable v2" },
      { id: "userns", title: "user namespaces", status: "fail", detail: "disabled", fix: "sysctl -w kernel.x=1" },
    ],
  });
  assert.match(text, /^ok {4}bubblewrap {7}0\.8\.0$/m);
  assert.match(text, /^warn {2}cgroups .*\n +fix: enable v2$/m);
  assert.match(text, /^fail {2}user namespaces .*\n +fix: sysctl -w kernel\.x=1$/m);
  assert.doesNotMatch(text, /unused/);
  assert.match(text, /FAILED/);
});

void test("a wildcard bind is reached through loopback", () => {
  assert.equal(clientUrl("http://0.0.0.0:7878"), "http://127.0.0.1:7878");
  assert.equal(clientUrl("http://127.0.0.1:5000/"), "http://127.0.0.1:5000");
});

void test("table and relative time", () => {
  assert.equal(table(["A", "BB"], [["xxx", "y"]]), "A    BB\nxxx  y\n");
  const now = Date.parse("2026-01-01T00:10:00Z");
  assert.equal(relativeTime("2026-01-01T00:05:00Z", now), "5m ago");
  assert.equal(relativeTime("2026-01-01T02:10:00Z", now), "in 2h");
  assert.equal(relativeTime(null, now), "-");
});

function memoryIo(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = "";
  let e = "";
  stdout.on("data", (d: Buffer) => (o += d.toString()));
  stderr.on("data", (d: Buffer) => (e += d.toString()));
  return {
    io: { stdin: new PassThrough(), stdout, stderr, cwd: "/", env: {}, onSignal: () => () => undefined },
    out: () => o,
    err: () => e,
  };
}

void test("dispatch: help lists every registered command; unknown commands are usage errors", async () => {
  const help = memoryIo();
  assert.equal(await main(["help"], help.io), 0);
  for (const name of ["serve", "sandbox", "doctor", "lint", "schema", "version"])
    assert.match(help.out(), new RegExp(`\\n  ${name} `));
  assert.match(help.out(), /exit codes:/);
  const bad = memoryIo();
  assert.equal(await main(["frobnicate"], bad.io), 2);
  assert.match(bad.err(), /^error\[INVALID_ARGUMENT\]: unknown command 'frobnicate'\nhint: /);
  const sub = memoryIo();
  assert.equal(await main(["sandbox", "frob"], sub.io), 2);
  assert.match(sub.err(), /unknown subcommand 'sandbox frob'/);
});

void test("dispatch: without a server configured, sandbox commands fail with SERVER_NOT_CONFIGURED (exit 3)", async () => {
  const m = memoryIo();
  m.io.env = { C8S_HOME: "/nonexistent/c8s-home" };
  assert.equal(await main(["sandbox", "ls"], m.io), 3);
  assert.match(m.err(), /^error\[SERVER_NOT_CONFIGURED\]/);
});
