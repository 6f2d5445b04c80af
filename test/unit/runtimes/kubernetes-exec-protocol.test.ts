import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { codeForFailure, describeFailure, translateKubernetesError } from "../../../src/runtimes/kubernetes/errors.ts";
import {
  closeStdinFrame,
  execQuery,
  frame,
  killCommand,
  parseExecStatus,
  resizeFrame,
  signalFromExitCode,
  wrapCommand,
} from "../../../src/runtimes/kubernetes/exec-protocol.ts";
import {
  fileErrorFor,
  parseEntries,
  readScript,
  sandboxPath,
  tarOutScript,
} from "../../../src/runtimes/kubernetes/file-scripts.ts";

void describe("exec frames", () => {
  void test("a frame is the channel byte then the payload", () => {
    assert.deepEqual([...frame(0, "hi")], [0, 104, 105]);
    assert.deepEqual([...closeStdinFrame()], [255, 0]);
    assert.equal(resizeFrame({ rows: 24, cols: 80 }).subarray(1).toString(), '{"Width":80,"Height":24}');
    assert.equal(resizeFrame({ rows: 24, cols: 80 })[0], 4);
  });
  void test("the query repeats command once per argv element", () => {
    const query = new URLSearchParams(
      execQuery({ container: "sandbox", command: ["sh", "-c", "echo a&b"], stdin: true, tty: false }),
    );
    assert.deepEqual(query.getAll("command"), ["sh", "-c", "echo a&b"]);
    assert.equal(query.get("stderr"), "true");
    const tty = new URLSearchParams(execQuery({ container: "sandbox", command: ["sh"], stdin: true, tty: true }));
    assert.equal(tty.get("tty"), "true");
    assert.equal(tty.get("stderr"), "false");
  });
});

void describe("parseExecStatus", () => {
  const cases: Array<[string, string, ReturnType<typeof parseExecStatus>]> = [
    ["success", '{"metadata":{},"status":"Success"}', { kind: "exit", exitCode: 0 }],
    [
      "NonZeroExitCode with causes",
      JSON.stringify({
        status: "Failure",
        reason: "NonZeroExitCode",
        message: "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3",
        details: { causes: [{ reason: "ExitCode", message: "3" }] },
      }),
      { kind: "exit", exitCode: 3 },
    ],
    [
      "message only (KWOK)",
      JSON.stringify({ status: "Failure", message: "exit status 42", reason: "InternalError" }),
      { kind: "exit", exitCode: 42 },
    ],
    [
      "a real error",
      JSON.stringify({
        status: "Failure",
        message: 'exec: "nope": executable file not found in $PATH',
        reason: "InternalError",
      }),
      { kind: "error", message: 'exec: "nope": executable file not found in $PATH', reason: "InternalError" },
    ],
    ["not JSON", "exit code 7", { kind: "exit", exitCode: 7 }],
  ];
  for (const [name, payload, expected] of cases)
    void test(name, () => assert.deepEqual(parseExecStatus(payload), expected));
});

void describe("wrapCommand and killCommand", () => {
  void test("cwd, env and argv are positional parameters, never spliced into the script", () => {
    const argv = wrapCommand({
      execId: "e1",
      command: ["echo", "$(reboot)"],
      cwd: "/work space",
      env: { A: "1 2" },
      tty: false,
    });
    assert.deepEqual(argv.slice(0, 2), ["/bin/sh", "-c"]);
    assert.deepEqual(argv.slice(3), ["c8s-exec", "/work space", "--", "A=1 2", "C8S_EXEC_ID=e1", "echo", "$(reboot)"]);
    assert.ok(!(argv[2] ?? "").includes("reboot"));
    assert.match(argv[2] ?? "", /setsid/);
  });
  void test("with a TTY the command runs in the foreground at the requested size", () => {
    const argv = wrapCommand({
      execId: "e1",
      command: ["sh"],
      cwd: "/",
      env: {},
      tty: true,
      size: { rows: 24, cols: 80 },
    });
    assert.match(argv[2] ?? "", /stty rows 24 cols 80/);
    assert.doesNotMatch(argv[2] ?? "", /setsid/);
  });
  void test("kill signals the recorded group, then the pid", () => {
    const script = killCommand("e1", "SIGTERM")[2] ?? "";
    assert.match(script, /kill -TERM -"\$p"/);
    assert.match(script, /\/tmp\/\.c8s-exec\/e1\.pid/);
  });
  const signals: Array<[number, string | null]> = [
    [137, "SIGKILL"],
    [143, "SIGTERM"],
    [130, "SIGINT"],
    [0, null],
    [1, null],
    [128, null],
  ];
  for (const [code, signal] of signals)
    void test(`exit ${code} → ${signal}`, () => assert.equal(signalFromExitCode(code), signal));
});

void describe("ApiException translation", () => {
  const apiError = (code: number, reason: string, message: string): unknown => ({
    code,
    body: JSON.stringify({ kind: "Status", status: "Failure", reason, message }),
    message: `HTTP-Code: ${code}`,
  });
  const cases: Array<[number, string, string]> = [
    [404, "NotFound", "SANDBOX_NOT_FOUND"],
    [403, "Forbidden", "PERMISSION_DENIED"],
    [409, "AlreadyExists", "CONFLICT"],
    [422, "Invalid", "INVALID_ARGUMENT"],
    [429, "TooManyRequests", "RATE_LIMITED"],
    [503, "ServiceUnavailable", "RUNTIME_UNAVAILABLE"],
  ];
  for (const [status, reason, code] of cases) {
    void test(`${status} ${reason} → ${code}`, () => {
      const error = translateKubernetesError(apiError(status, reason, "m"), {
        action: "do it",
        sandboxId: "sbx_1",
        notFound: "SANDBOX_NOT_FOUND",
      });
      assert.equal(error.code, code);
      assert.equal(error.details["reason"], reason);
      assert.equal(error.details["sandboxId"], "sbx_1");
      assert.ok(error.hint);
    });
  }
  void test("quota exhaustion is SANDBOX_LIMIT_REACHED", () => {
    assert.equal(
      codeForFailure({ status: 403, reason: "Forbidden", message: 'pods "x" is forbidden: exceeded quota: q' }),
      "SANDBOX_LIMIT_REACHED",
    );
  });
  void test("a connection failure has no status and means the runtime is unavailable", () => {
    const failure = describeFailure(new Error("connect ECONNREFUSED 127.0.0.1:6443"));
    assert.equal(failure.status, undefined);
    assert.equal(codeForFailure(failure), "RUNTIME_UNAVAILABLE");
  });
});

void describe("file helpers", () => {
  void test("paths resolve against the workdir and stay inside it or /tmp", () => {
    assert.equal(sandboxPath("/workspace", "a/b.txt"), "/workspace/a/b.txt");
    assert.equal(sandboxPath("/workspace", "/tmp/x"), "/tmp/x");
    assert.throws(() => sandboxPath("/workspace", "../etc/passwd"), { code: "PATH_OUTSIDE_SANDBOX" });
    assert.throws(() => sandboxPath("/workspace", "/etc/passwd"), { code: "PATH_OUTSIDE_SANDBOX" });
    assert.throws(() => sandboxPath("/workspace", "/workspace2/x"), { code: "PATH_OUTSIDE_SANDBOX" });
  });
  void test("script exit statuses map to file error codes", () => {
    assert.equal(fileErrorFor(44, "a", "").code, "FILE_NOT_FOUND");
    assert.equal(fileErrorFor(45, "a", "").code, "IS_A_DIRECTORY");
    assert.equal(fileErrorFor(46, "a", "").code, "NOT_A_DIRECTORY");
    assert.equal(fileErrorFor(47, "a", "").code, "PATH_OUTSIDE_SANDBOX");
    assert.equal(fileErrorFor(1, "a", "disk full").code, "EXEC_FAILED");
  });
  void test("list records parse into entries", () => {
    const out = Buffer.from(
      "81a4 5 1700000000\tb.txt\t\0" + "41ed 4096 1700000000\tdir\t\0" + "a1ff 3 1700000000\tlink\tb.txt\0",
    );
    const entries = parseEntries(out, "/workspace");
    assert.deepEqual(
      entries.map((e) => [e.path, e.type, e.size, e.mode.toString(8), e.linkTarget]),
      [
        ["/workspace/b.txt", "file", 5, "644", undefined],
        ["/workspace/dir", "directory", 4096, "755", undefined],
        ["/workspace/link", "symlink", 3, "777", "b.txt"],
      ],
    );
    assert.equal(entries[0]?.modifiedAt, "2023-11-14T22:13:20.000Z");
  });
});

void describe("download scripts", () => {
  void test("a real kubelet gets exec'd output; a KWOK node a shell that waits for the tunnel to drain", () => {
    for (const make of [readScript, tarOutScript]) {
      assert.match(make(), /exec (cat|tar) /);
      assert.doesNotMatch(make(), /sleep/);
      const drained = make(true);
      assert.doesNotMatch(drained, /exec (cat|tar) /);
      assert.match(drained, /(cat|tar) [^;]+; c8s_s=\$\?; sleep 0\.5; exit "\$c8s_s"$/);
    }
  });
});
