/** Pure parts of the docker runtime: stream demux, exec outcomes, error translation, parsing. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { C8sError } from "../../../src/errors/index.ts";
import { dockerOptionsFor } from "../../../src/runtimes/docker/connection.ts";
import { DockerDemuxer, encodeFrame } from "../../../src/runtimes/docker/demux.ts";
import {
  codeForDockerFailure,
  pullFailure,
  startFailureHint,
  translateDockerError,
} from "../../../src/runtimes/docker/errors.ts";
import {
  execOutcome,
  isStartFailureNotFound,
  isSuccessStatus,
  killScript,
  ttyCommand,
} from "../../../src/runtimes/docker/exec.ts";
import { pullEventError } from "../../../src/runtimes/docker/images.ts";
import { fileTypeFromGoMode, parsePathStatHeader } from "../../../src/runtimes/docker/files.ts";
import { dockerRef } from "../../../src/runtimes/docker/handle.ts";
import { parseOomKills, terminationFromState } from "../../../src/runtimes/docker/state.ts";

void describe("docker stream demux", () => {
  void it("splits frames at every byte boundary", () => {
    const wire = Buffer.concat([
      encodeFrame("stdout", Buffer.from("hello ")),
      encodeFrame("stderr", Buffer.from("oops")),
      encodeFrame("stdout", Buffer.from("world")),
      encodeFrame("stdout", Buffer.alloc(0)),
    ]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const demuxer = new DockerDemuxer();
      const frames = [...demuxer.push(wire.subarray(0, cut)), ...demuxer.push(wire.subarray(cut))];
      const out = Buffer.concat(frames.filter((f) => f.stream === "stdout").map((f) => f.data)).toString();
      const err = Buffer.concat(frames.filter((f) => f.stream === "stderr").map((f) => f.data)).toString();
      assert.deepEqual([out, err, demuxer.leftover], ["hello world", "oops", 0], `cut at ${cut}`);
    }
  });

  void it("keeps a partial frame until the rest arrives", () => {
    const demuxer = new DockerDemuxer();
    const frame = encodeFrame("stderr", Buffer.from("abc"));
    assert.deepEqual(demuxer.push(frame.subarray(0, 9)), []);
    assert.equal(demuxer.leftover, 9);
  });

  void it("rejects a corrupt header", () => {
    assert.throws(() => new DockerDemuxer().push(Buffer.from([7, 0, 0, 0, 0, 0, 0, 1, 65])));
  });
});

void describe("docker exec outcome", () => {
  const cases: Array<[string, Parameters<typeof execOutcome>, ReturnType<typeof execOutcome>]> = [
    ["exit 0", [0, undefined, false], { exitCode: 0, signal: null, reason: "exit" }],
    ["exit 42", [42, undefined, false], { exitCode: 42, signal: null, reason: "exit" }],
    ["SIGTERM as 143", [143, undefined, false], { exitCode: null, signal: "SIGTERM", reason: "signal" }],
    ["137 with the OOM counter up", [137, undefined, true], { exitCode: null, signal: "SIGKILL", reason: "oom" }],
    ["137 without", [137, undefined, false], { exitCode: null, signal: "SIGKILL", reason: "signal" }],
    [
      "timeout kill",
      [137, { reason: "timeout", signal: "SIGKILL" }, false],
      { exitCode: null, signal: "SIGKILL", reason: "timeout" },
    ],
    [
      "kill after a clean exit keeps the exit",
      [0, { reason: "killed", signal: "SIGKILL" }, false],
      { exitCode: 0, signal: null, reason: "exit" },
    ],
    [
      "no exit code (container gone)",
      [null, undefined, false],
      { exitCode: null, signal: "SIGKILL", reason: "killed" },
    ],
    ["exit 255", [255, undefined, false], { exitCode: 255, signal: null, reason: "exit" }],
  ];
  for (const [name, args, expected] of cases) {
    void it(name, () => assert.deepEqual(execOutcome(...args), expected));
  }

  void it("recognises the engine's start failure for a missing program", () => {
    assert.ok(
      isStartFailureNotFound(
        'OCI runtime exec failed: exec failed: exec: "x": executable file not found in $PATH: unknown',
      ),
    );
    assert.ok(!isStartFailureNotFound("permission denied"));
  });

  void it("builds the kill and tty wrappers as argv", () => {
    assert.deepEqual(killScript("abc", "SIGTERM").slice(3), ["c8s-kill", "abc", "TERM"]);
    assert.deepEqual(ttyCommand(["bash", "-l"], { rows: 24, cols: 80 }).slice(3), [
      "c8s-tty",
      "24",
      "80",
      "bash",
      "-l",
    ]);
    assert.deepEqual(ttyCommand(["ls"], undefined), ["ls"]);
  });
});

void describe("docker error translation", () => {
  const ctx = {
    action: "do it",
    dockerHost: "unix:///nope.sock",
    sandboxId: "sbx_1",
    notFound: "SANDBOX_NOT_FOUND" as const,
  };
  const cases: Array<[string, unknown, string]> = [
    [
      "socket missing",
      Object.assign(new Error("connect ENOENT /nope.sock"), { code: "ENOENT" }),
      "RUNTIME_UNAVAILABLE",
    ],
    ["refused", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), "RUNTIME_UNAVAILABLE"],
    [
      "404",
      { statusCode: 404, json: { message: "No such container: x" }, message: "(HTTP code 404)" },
      "SANDBOX_NOT_FOUND",
    ],
    ["409 not running", { statusCode: 409, json: { message: "Container x is not running" } }, "SANDBOX_NOT_RUNNING"],
    [
      "409 name in use",
      { statusCode: 409, json: { message: 'Conflict. The container name "/c8s-x" is already in use' } },
      "CONFLICT",
    ],
    ["400", { statusCode: 400, json: { message: "invalid mount config" } }, "INVALID_ARGUMENT"],
    ["500", { statusCode: 500, json: { message: "driver failed" } }, "RUNTIME_UNAVAILABLE"],
  ];
  for (const [name, error, code] of cases) {
    void it(`${name} → ${code}`, () => {
      const translated = translateDockerError(error, ctx);
      assert.equal(translated.code, code);
      assert.ok(translated.hint, "every translated error carries a hint");
    });
  }

  void it("names the test engine script when nothing answers", () => {
    const e = translateDockerError(Object.assign(new Error("connect ENOENT"), { code: "ENOENT" }), ctx);
    assert.match(e.hint ?? "", /docker-test-engine\.sh start/);
    assert.match(e.message, /unix:\/\/\/nope\.sock/);
  });

  void it("keeps C8sErrors as they are", () => {
    const original = new C8sError("EXEC_TIMEOUT", "x");
    assert.equal(translateDockerError(original, ctx), original);
  });

  void it("tells a missing image from an unreachable registry", () => {
    assert.equal(pullFailure("localhost/c8s-nope:1", new Error("connection refused"), "h").code, "IMAGE_NOT_FOUND");
    assert.equal(pullFailure("alpine:3", new Error("manifest unknown"), "h").code, "IMAGE_NOT_FOUND");
    const unreachable = pullFailure("alpine:3", new Error("dial tcp: lookup registry-1.docker.io: no such host"), "h");
    assert.equal(unreachable.code, "IMAGE_PULL_FAILED");
    assert.match(unreachable.hint ?? "", /localhost\/alpine:3/);
  });

  void it("maps failures without a status by errno", () => {
    assert.equal(
      codeForDockerFailure({ status: undefined, message: "x", errno: "ERR_SOMETHING" }, "NOT_FOUND"),
      "INTERNAL",
    );
  });
});

void describe("engine differences (Podman's Docker-compatible API)", () => {
  void it("a pull that answers 200 and streams its failure is a failure", () => {
    const podman = {
      progressDetail: {},
      errorDetail: { message: "initializing source docker://localhost/x:1: pinging container registry localhost" },
      error: "initializing source docker://localhost/x:1: pinging container registry localhost",
    };
    assert.equal(pullEventError(podman), podman.errorDetail.message);
    assert.equal(pullEventError({ error: "manifest unknown" }), "manifest unknown");
    assert.equal(pullEventError({ status: "Downloading", id: "abc", progress: "[==> ]" }), undefined);
    assert.equal(pullEventError({ status: "Pulling fs layer", error: "" }), undefined);
    const translated = pullFailure("localhost/x:1", new Error(podman.error), "unix:///p.sock");
    assert.equal(translated.code, "IMAGE_NOT_FOUND");
  });

  void it("a resize answered 201 (Podman) succeeded; other codes did not", () => {
    assert.equal(isSuccessStatus({ statusCode: 201, reason: undefined }), true);
    assert.equal(isSuccessStatus({ statusCode: 200 }), true);
    assert.equal(isSuccessStatus({ statusCode: 404 }), false);
    assert.equal(isSuccessStatus({ statusCode: 500 }), false);
    assert.equal(isSuccessStatus(new Error("socket hang up")), false);
    assert.equal(isSuccessStatus(undefined), false);
  });

  void it("a start refused for rlimits hints at the engine's default ulimits", () => {
    const eperm =
      "runc: runc create failed: unable to start container process: error during container init: error setting rlimits for ready process: error setting rlimit type 7: operation not permitted: OCI permission denied";
    assert.match(startFailureHint(eperm), /ulimits/);
    assert.match(startFailureHint(eperm.replace("operation not permitted", "invalid argument")), /Podman/);
    assert.match(startFailureHint("executable file not found"), /details\.engineMessage/);
  });
});

void describe("docker parsing", () => {
  void it("reads DOCKER_HOST forms", () => {
    assert.deepEqual(dockerOptionsFor(undefined), { socketPath: "/var/run/docker.sock" });
    assert.deepEqual(dockerOptionsFor("unix:///tmp/d.sock"), { socketPath: "/tmp/d.sock" });
    assert.deepEqual(dockerOptionsFor("tcp://127.0.0.1:2375"), { protocol: "http", host: "127.0.0.1", port: 2375 });
    assert.throws(
      () => dockerOptionsFor("ssh://me@host"),
      (e: unknown) => e instanceof C8sError && e.code === "CONFIG_INVALID",
    );
  });

  void it("reads the archive stat header (Go file modes)", () => {
    const header = Buffer.from(
      JSON.stringify({ name: "l", size: 4, mode: 134218239, mtime: "2026-01-01T00:00:00Z", linkTarget: "/etc" }),
    ).toString("base64");
    const stat = parsePathStatHeader(header);
    assert.equal(fileTypeFromGoMode(stat.mode), "symlink");
    assert.equal(stat.linkTarget, "/etc");
    assert.equal(fileTypeFromGoMode(2147484141), "directory");
    assert.equal(fileTypeFromGoMode(0o644), "file");
  });

  void it("reads OOM counters from cgroup v1 and v2", () => {
    assert.equal(parseOomKills("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"), 3);
    assert.equal(parseOomKills("low 0\nhigh 0\nmax 5\noom 2\noom_kill 2\n"), 2);
    assert.equal(parseOomKills("oom_kill_disable 0\nunder_oom 0\n"), null);
  });

  void it("explains why a container ended", () => {
    assert.equal(terminationFromState({ OOMKilled: true, ExitCode: 137 }).reason, "oom");
    assert.equal(terminationFromState({ ExitCode: 0 }).reason, "exit");
    assert.equal(terminationFromState({ ExitCode: 143 }).reason, "signal");
    assert.equal(terminationFromState({ ExitCode: 127, Error: "exec: sleep: not found" }).reason, "error");
  });

  void it("validates a handle's ref where it re-enters", () => {
    assert.throws(
      () => dockerRef({ id: "sbx_1", runtime: "docker", ref: { containerId: 3 } }),
      (e: unknown) => e instanceof C8sError,
    );
    assert.throws(
      () => dockerRef({ id: "sbx_1", runtime: "local", ref: {} }),
      (e: unknown) => e instanceof C8sError,
    );
  });
});
