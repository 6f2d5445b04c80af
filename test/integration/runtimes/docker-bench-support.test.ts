/** The bare-engine operations the benchmark measures beside c8s work against a real dockerd. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bareDockerExec,
  bareDockerRun,
  connectBenchDocker,
  removeBareContainer,
  startBareContainer,
} from "../../../bench/docker-bare.ts";
import { probeDockerEngine, TEST_IMAGE } from "../../fixtures/docker-engine.ts";

const engine = await probeDockerEngine();

void describe("docker bench support", { skip: engine.skipReason }, () => {
  void it("bare exec and bare run return output and exit codes", async () => {
    const docker = connectBenchDocker(engine.dockerHost);
    const box = await startBareContainer(docker, TEST_IMAGE);
    try {
      assert.deepEqual(await bareDockerExec(docker, box, ["sh", "-c", "echo hi; exit 3"]), {
        exitCode: 3,
        stdout: "hi\n",
      });
    } finally {
      await removeBareContainer(docker, box);
    }
    assert.deepEqual(await bareDockerRun(docker, TEST_IMAGE, ["echo", "one-shot"]), {
      exitCode: 0,
      stdout: "one-shot\n",
    });
  });
});
