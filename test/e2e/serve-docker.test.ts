/**
 * `c8s serve --runtime docker` and `c8s run --runtime docker` against the real Docker Engine
 * (scripts/docker-test-engine.sh): the SDK creates a sandbox in a locally built image, runs
 * commands, moves files and destroys it; a pipeline runs each step in the image it names,
 * with a service reached on localhost and an artifact collected.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import Docker from "dockerode";
import { Sandbox } from "../../packages/sdk/src/index.ts";
import { dockerOptionsFor } from "../../src/runtimes/docker/connection.ts";
import { cleanEnv, runCli, startCliServer } from "../fixtures/cli-server.ts";
import { probeDockerEngine, TEST_IMAGE } from "../fixtures/docker-engine.ts";
import { createTestRepository } from "../fixtures/git.ts";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const engine = await probeDockerEngine();
const skip = engine.skipReason ?? false;

void test("c8s serve --runtime docker: SDK sandbox in a local image — commands, files, kill", { skip }, async () => {
  const server = await startCliServer(
    { DOCKER_HOST: engine.dockerHost, C8S_DOCKER_IMAGE: TEST_IMAGE },
    { args: ["--runtime", "docker"] },
  );
  try {
    assert.match(server.output(), /runtime docker/);
    const sandbox = await Sandbox.create({ url: server.url, token: server.token });
    const docker = new Docker(dockerOptionsFor(engine.dockerHost));
    const info = await docker.getContainer(`c8s-${sandbox.sandboxId}`).inspect();
    assert.equal(info.Config.Image, TEST_IMAGE);
    assert.equal(info.State.Running, true);

    const result = await sandbox.commands.run("echo out; echo err >&2; id -u; exit 3", { allowNonZeroExit: true });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stdout, "out\n0\n");
    assert.equal(result.stderr, "err\n");

    await sandbox.files.write("notes/hello.txt", "hi from the SDK\n");
    assert.equal(await sandbox.files.read("notes/hello.txt"), "hi from the SDK\n");
    const listed = await sandbox.commands.run("cat /workspace/notes/hello.txt");
    assert.equal(listed.stdout, "hi from the SDK\n");

    await sandbox.kill();
    await assert.rejects(docker.getContainer(`c8s-${sandbox.sandboxId}`).inspect(), (e: unknown) => {
      return (e as { statusCode?: number }).statusCode === 404;
    });
  } finally {
    await server.stop();
  }
});

const pipeline = `version: v1alpha1
name: docker-images
services:
  - name: echo
    image: ${TEST_IMAGE}
    commands:
      - while true; do echo PONG | nc -l -p 6391; done
    readiness:
      command: echo | nc 127.0.0.1 6391
      interval: 100ms
      timeout: 20s
steps:
  - name: build
    image: ${TEST_IMAGE}
    commands:
      - test -f /bin/busybox
      - mkdir -p out && cat README.md > out/readme-copy.txt
    artifacts: [out/readme-copy.txt]
  - name: talk
    image: ${TEST_IMAGE}
    dependsOn: [build]
    commands:
      - test -f out/readme-copy.txt
      - echo "service at $C8S_SERVICE_ECHO_HOST says $(nc $C8S_SERVICE_ECHO_HOST 6391 </dev/null)"
`;

void test(
  "c8s run --runtime docker: steps in their images, a service on localhost, an artifact",
  { skip },
  async (t) => {
    const repo = await createTestRepository({ ".c8s.yaml": pipeline, "README.md": "docker pipeline\n" });
    const home = await mkdtemp(join(tmpdir(), "c8s-run-docker-"));
    t.after(async () => {
      await repo.cleanup();
      await rm(home, { recursive: true, force: true });
    });
    const run = await runCli(["run", "--runtime", "docker", "--logs"], {
      env: cleanEnv({ C8S_HOME: home, DOCKER_HOST: engine.dockerHost }),
      cwd: repo.dir,
    });
    const output = run.stdout + run.stderr;
    assert.equal(run.code, 0, output);
    assert.match(output, /service at 127\.0\.0\.1 says PONG/);
    const runs = await readdir(join(home, "runs"));
    assert.equal(runs.length, 1);
    const artifacts = await readdir(join(home, "runs", runs[0] ?? "", "artifacts"), { recursive: true });
    assert.ok(
      artifacts.some((a) => a.endsWith("readme-copy.txt")),
      `artifact collected: ${artifacts.join(", ")}`,
    );
    const docker = new Docker(dockerOptionsFor(engine.dockerHost));
    const left = await docker.listContainers({ all: true, filters: { label: ["dev.c8s.owner=c8s-run"] } });
    assert.deepEqual(
      left.map((c) => c.Names[0]),
      [],
      "no step, service or group holder container outlives the run",
    );
  },
);
