import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, renderStepLine } from "../../../src/cli/run/progress.ts";
import { describeExecEnd, shellQuote, stepScript } from "../../../src/pipelines/runner/sandbox-executor.ts";
import { parseSecretFile, parseSecretFlag } from "../../../src/cli/run/secret-file.ts";
import { serviceHostVariable } from "../../../src/pipelines/runner/services.ts";
import { LogTail, logFileName } from "../../../src/pipelines/runner/step-logs.ts";

void test("step scripts stop at the first failure and echo each command, quoted safely", () => {
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(
    stepScript(["echo a", "echo 'b'"]),
    `set -e\numask 0000\nprintf '%s\\n' '+ echo a'\necho a\nprintf '%s\\n' '+ echo '\\''b'\\'''\necho 'b'\n`,
  );
});

void test("exec ends are described for humans", () => {
  const base = { exitCode: null, signal: null, durationMs: 1 };
  assert.equal(describeExecEnd({ ...base, reason: "exit", exitCode: 2 }), "exit code 2");
  assert.equal(describeExecEnd({ ...base, reason: "signal", signal: "SIGSEGV" }), "killed by SIGSEGV");
  assert.match(describeExecEnd({ ...base, reason: "oom" }), /memory/);
});

void test("secret files: NAME=VALUE lines, comments, export, quotes", () => {
  assert.deepEqual(parseSecretFile("# c\nA=1\nexport B = two words \nC=\"x\\ny\"\nD='$raw'\n\n"), {
    A: "1",
    B: "two words",
    C: "x\ny",
    D: "$raw",
  });
  assert.throws(() => parseSecretFile("A=1\nnot a pair\n", "s.env"), /s\.env:2: expected NAME=VALUE/);
  assert.deepEqual(parseSecretFlag("TOKEN=a=b"), ["TOKEN", "a=b"]);
  assert.throws(() => parseSecretFlag("=x"), { code: "INVALID_ARGUMENT" });
});

void test("the log tail keeps the last bytes and lines", () => {
  const tail = new LogTail(10);
  tail.push(Buffer.from("line1\nline2\n"));
  tail.push(Buffer.from("line3\n"));
  // whole chunks are dropped first: at most 10 bytes are kept
  assert.deepEqual(tail.lastLines(2), ["line3"]);
  tail.push(Buffer.from("0123456789abcdef"));
  assert.deepEqual(tail.lastLines(5), ["6789abcdef"]);
  const big = new LogTail(1000);
  for (let i = 0; i < 100; i++) big.push(Buffer.from(`l${i}\n`));
  assert.deepEqual(big.lastLines(2), ["l98", "l99"]);
  assert.equal(logFileName("test[node=18,os=linux]"), "test_node=18,os=linux_.log");
  assert.equal(logFileName("../x"), ".._x.log");
});

void test("progress lines show state, duration, attempts and why", () => {
  assert.equal(formatDuration(250), "250ms");
  assert.equal(formatDuration(1500), "1.5s");
  assert.equal(formatDuration(125_000), "2m05s");
  const line = renderStepLine(
    { name: "build", state: "failed", startedAt: 0, durationMs: 1500, attempts: 2, reason: "exit code 1" },
    { color: false, now: 0, width: 120 },
  );
  assert.match(line, /^✗ build\s+failed\s+1\.5s \(attempt 2\) — exit code 1$/);
  const running = renderStepLine(
    { name: "t", state: "running", startedAt: 1000, durationMs: undefined, attempts: 1, reason: undefined },
    { color: true, now: 3000, width: 120 },
  );
  assert.ok(running.startsWith("\x1b[36m") && running.includes("2.0s"));
  assert.ok(
    renderStepLine(
      {
        name: "x".repeat(200),
        state: "queued",
        startedAt: undefined,
        durationMs: undefined,
        attempts: 0,
        reason: undefined,
      },
      { color: false, now: 0, width: 50 },
    ).length <= 50,
  );
});

void test("a service's address variable is C8S_SERVICE_<NAME>_HOST with the name made a variable name", () => {
  assert.equal(serviceHostVariable("db"), "C8S_SERVICE_DB_HOST");
  assert.equal(serviceHostVariable("redis-cache.v2"), "C8S_SERVICE_REDIS_CACHE_V2_HOST");
});
