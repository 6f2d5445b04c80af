import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createSandboxSchema,
  execInputSchema,
  killExecSchema,
  parseInput,
  runExecBodySchema,
} from "../../../src/engine/schemas.ts";
import { isC8sError } from "../../../src/errors/index.ts";

function fieldOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(isC8sError(error) && error.code === "VALIDATION_FAILED");
    assert.ok(error.hint);
    return String(error.details["field"]);
  }
  throw new Error("expected a validation error");
}

void describe("engine input schemas", () => {
  void it("accept a full, valid create request and an empty one", () => {
    assert.deepEqual(parseInput(createSandboxSchema, {}, "sandbox"), {});
    const full = {
      image: "alpine:3",
      env: { PATH_EXTRA: "/x", _A1: "" },
      labels: { "app.kubernetes.io/name": "web", team: "core" },
      ttlMs: 60_000,
      idleTimeoutMs: 10_000,
      network: "host",
      limits: { memoryBytes: 64 * 1024 * 1024, pids: 64, cpuMillis: 500 },
      workdir: "/src",
    };
    assert.deepEqual(parseInput(createSandboxSchema, full, "sandbox"), full);
  });

  void it("name the offending field: unknown keys, wrong types, bad names, out of range", () => {
    assert.equal(
      fieldOf(() => parseInput(createSandboxSchema, { imag: "x" }, "sandbox")),
      "imag",
    );
    assert.equal(
      fieldOf(() => parseInput(createSandboxSchema, { limits: { pid: 3 } }, "sandbox")),
      "limits.pid",
    );
    assert.equal(
      fieldOf(() => parseInput(createSandboxSchema, { env: { "1BAD": "x" } }, "sandbox")),
      "env.1BAD",
    );
    assert.equal(
      fieldOf(() => parseInput(createSandboxSchema, { ttlMs: 5 }, "sandbox")),
      "ttlMs",
    );
    assert.equal(
      fieldOf(() => parseInput(createSandboxSchema, { workdir: "rel" }, "sandbox")),
      "workdir",
    );
    assert.equal(
      fieldOf(() => parseInput(createSandboxSchema, { network: "bridge" }, "sandbox")),
      "network",
    );
    assert.equal(
      fieldOf(() => parseInput(createSandboxSchema, "nope", "sandbox")),
      "(body)",
    );
  });

  void it("validate exec inputs", () => {
    assert.deepEqual(
      parseInput(execInputSchema, { command: ["ls", "-l"], tty: { rows: 24, cols: 80 }, stdin: true }, "exec"),
      {
        command: ["ls", "-l"],
        tty: { rows: 24, cols: 80 },
        stdin: true,
      },
    );
    assert.equal(
      fieldOf(() => parseInput(execInputSchema, { command: [] }, "exec")),
      "command",
    );
    assert.equal(
      fieldOf(() => parseInput(execInputSchema, { command: [""] }, "exec")),
      "command",
    );
    assert.equal(
      fieldOf(() => parseInput(execInputSchema, { command: ["a\u0000b"] }, "exec")),
      "command.0",
    );
    assert.equal(
      fieldOf(() => parseInput(execInputSchema, { command: ["x"], tty: { rows: 0, cols: 1 } }, "exec")),
      "tty.rows",
    );
    assert.equal(
      fieldOf(() => parseInput(runExecBodySchema, { command: ["x"], stdin: "a", stdinBase64: "YQ==" }, "exec")),
      "stdinBase64",
    );
    assert.equal(
      fieldOf(() => parseInput(killExecSchema, { signal: "SIGFOO" }, "kill")),
      "signal",
    );
  });
});
