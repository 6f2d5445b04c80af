/** The shared runtime conformance suite against a real dockerd (scripts/docker-test-engine.sh). */
import { it } from "node:test";
import { defaultSpec, runtimeConformance } from "../../../src/runtimes/conformance/index.ts";
import { createDockerRuntime } from "../../../src/runtimes/docker/index.ts";
import { DEBIAN_TEST_IMAGE, imagePresent, probeDockerEngine, TEST_IMAGE } from "../../fixtures/docker-engine.ts";

const engine = await probeDockerEngine();

if (engine.skipReason !== undefined) {
  void it(`docker runtime conformance skipped: ${engine.skipReason}`, { skip: engine.skipReason }, () => undefined);
} else {
  runtimeConformance({
    name: "docker (busybox)",
    makeRuntime: () => createDockerRuntime({ dockerHost: engine.dockerHost, defaultImage: TEST_IMAGE }),
    makeSpec: (overrides) => defaultSpec({ image: TEST_IMAGE, ...overrides }),
  });
  // The same suite in a Debian userland (coreutils, dash): semantics must not depend on busybox.
  if (await imagePresent(engine.dockerHost, DEBIAN_TEST_IMAGE)) {
    runtimeConformance({
      name: "docker (debian)",
      makeRuntime: () => createDockerRuntime({ dockerHost: engine.dockerHost, defaultImage: DEBIAN_TEST_IMAGE }),
      makeSpec: (overrides) => defaultSpec({ image: DEBIAN_TEST_IMAGE, ...overrides }),
    });
  } else {
    const reason = `${DEBIAN_TEST_IMAGE} is not built (C8S_DOCKER_DEBIAN=1 bash scripts/docker-test-engine.sh start builds it)`;
    void it(`docker runtime conformance in Debian skipped: ${reason}`, { skip: reason }, () => undefined);
  }
}
