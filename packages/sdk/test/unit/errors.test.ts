import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AuthenticationError,
  C8sSdkError,
  CommandExitError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  SandboxError,
  TimeoutError,
  errorFromApi,
} from "../../src/index.ts";
import { settleCommand } from "../../src/commands.ts";
import { ERROR_CODES } from "../../../../src/errors/codes.ts";

const cases: Array<[string, number, new (...a: never[]) => C8sSdkError]> = [
  ["UNAUTHENTICATED", 401, AuthenticationError],
  ["PERMISSION_DENIED", 403, PermissionDeniedError],
  ["SANDBOX_NOT_FOUND", 404, NotFoundError],
  ["FILE_NOT_FOUND", 404, NotFoundError],
  ["EXEC_NOT_FOUND", 404, NotFoundError],
  ["VALIDATION_FAILED", 400, InvalidArgumentError],
  ["PATH_OUTSIDE_SANDBOX", 400, InvalidArgumentError],
  ["PAYLOAD_TOO_LARGE", 413, InvalidArgumentError],
  ["RATE_LIMITED", 429, RateLimitError],
  ["SANDBOX_LIMIT_REACHED", 429, RateLimitError],
  ["EXEC_TIMEOUT", 408, TimeoutError],
  ["SANDBOX_NOT_RUNNING", 409, SandboxError],
  ["RUNTIME_UNAVAILABLE", 503, SandboxError],
];

for (const [code, status, cls] of cases) {
  void test(`errorFromApi maps ${code} to ${cls.name}`, () => {
    const error = errorFromApi(status, {
      error: { code, message: "what went wrong", hint: "do this", details: { a: 1 } },
    });
    assert.ok(error instanceof cls, `${error.name} is not ${cls.name}`);
    assert.ok(error instanceof C8sSdkError);
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    assert.equal(error.message, "what went wrong");
    assert.equal(error.hint, "do this");
    assert.deepEqual(error.details, { a: 1 });
  });
}

void test("every server error code maps to a class consistent with its HTTP status", () => {
  for (const [code, status] of Object.entries(ERROR_CODES)) {
    const byCode = errorFromApi(status, { error: { code, message: "m" } });
    const byStatus = errorFromApi(status, {});
    assert.ok(byCode instanceof C8sSdkError, code);
    // The code may be more specific than the status (EXEC_TIMEOUT is a TimeoutError at 408 too), never contrary.
    const statusClass = byStatus.constructor as new (...args: never[]) => C8sSdkError;
    if (!(byCode instanceof statusClass)) {
      assert.fail(`${code} (${status}) maps to ${(byCode as Error).name} but its status maps to ${byStatus.name}`);
    }
  }
});

void test("the code decides over the status; an unknown code falls back to the status", () => {
  assert.ok(errorFromApi(500, { error: { code: "SANDBOX_NOT_FOUND", message: "x" } }) instanceof NotFoundError);
  const unknown = errorFromApi(429, { error: { code: "SOMETHING_NEW", message: "x" } });
  assert.ok(unknown instanceof RateLimitError);
  assert.equal(unknown.code, "SOMETHING_NEW");
});

void test("a body without an error envelope still yields a typed error with a default hint", () => {
  const error = errorFromApi(401, undefined);
  assert.ok(error instanceof AuthenticationError);
  assert.equal(error.code, "HTTP_401");
  assert.match(error.hint ?? "", /C8S_TOKEN/);
  const plain = errorFromApi(418, "teapot");
  assert.equal(plain.constructor, C8sSdkError);
  assert.match(plain.message, /418/);
});

void test("a WebSocket error frame maps the same way (no status)", () => {
  const error = errorFromApi(undefined, {
    type: "error",
    code: "INVALID_ARGUMENT",
    message: "cursor expired",
    hint: "h",
  });
  assert.ok(error instanceof InvalidArgumentError);
  assert.equal(error.status, undefined);
  assert.equal(error.hint, "h");
});

const base = { execId: "ex_1", signal: null, durationMs: 5, stdout: "out", stderr: "err", truncated: false };

void test("settleCommand: exit 0 resolves, non-zero throws CommandExitError with output", () => {
  assert.equal(settleCommand({ ...base, exitCode: 0, reason: "exit" }, false).stdout, "out");
  assert.throws(
    () => settleCommand({ ...base, exitCode: 3, reason: "exit" }, false),
    (e: unknown) =>
      e instanceof CommandExitError && e.exitCode === 3 && e.stderr === "err" && e.code === "COMMAND_EXIT",
  );
  assert.throws(
    () => settleCommand({ ...base, exitCode: null, signal: "SIGKILL", reason: "signal" }, false),
    (e: unknown) => e instanceof CommandExitError && e.signal === "SIGKILL" && /SIGKILL/.test(e.message),
  );
});

void test("settleCommand: a timeout throws TimeoutError; allowNonZeroExit returns the result", () => {
  assert.throws(
    () => settleCommand({ ...base, exitCode: null, signal: "SIGKILL", reason: "timeout" }, false),
    (e: unknown) => e instanceof TimeoutError && e.code === "EXEC_TIMEOUT",
  );
  assert.equal(settleCommand({ ...base, exitCode: 7, reason: "exit" }, true).exitCode, 7);
  assert.equal(settleCommand({ ...base, exitCode: null, reason: "timeout" }, true).reason, "timeout");
});
