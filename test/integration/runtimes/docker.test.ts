/** The shared runtime conformance suite against a real dockerd (scripts/docker-test-engine.sh). */
import { it } from "node:test";
import { defaultSpec, runtimeConformance } from "../../../src/runtimes/conformance/index.ts";
import { createDockerRuntime } from "../../../src/runtimes/docker/index.ts";
import { probeDockerEngine, TEST_IMAGE } from "../../fixtures/docker-engine.ts";

const engine = await probeDockerEngine();

if (engine.skipReason !== undefined) {
  void it(`docker runtime conformance skipped: ${engine.skipReason}`, { skip: engine.skipReason }, () => undefined);
} else {
  runtimeConformance({
    name: "docker",
    makeRuntime: () => createDockerRuntime({ dockerHost: engine.dockerHost, defaultImage: TEST_IMAGE }),
    makeSpec: (overrides) => defaultSpec({ image: TEST_IMAGE, ...overrides }),
  });
}
