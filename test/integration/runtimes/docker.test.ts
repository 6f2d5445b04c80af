/** The shared runtime conformance suite against a real dockerd (scripts/docker-test-engine.sh). */
import { it } from "node:test";
import { defaultSpec, runtimeConformance } from "../../../src/runtimes/conformance/index.ts";
import { createDockerRuntime } from "../../../src/runtimes/docker/index.ts";
import {
  DEBIAN_TEST_IMAGE,
  dockerConformanceHooks,
  imagePresent,
  probeDockerEngine,
  TEST_IMAGE,
} from "../../fixtures/docker-engine.ts";

const engine = await probeDockerEngine();
// Docker's local volume driver cannot size a disk-backed volume (only tmpfs ones, which /tmp
// is); `--storage-opt size` bounds only the root filesystem, read-only here. See docs/docker.md.
const skip = [
  {
    reason:
      "the workspace is a plain Docker volume: the local volume driver has no size for disk-backed volumes (only /tmp, a tmpfs-backed volume, has the quota)",
    tests: ["disk: writing past diskBytes in the workspace fails with ENOSPC or ends the sandbox with reason disk"],
  },
];

if (engine.skipReason !== undefined) {
  void it(`docker runtime conformance skipped: ${engine.skipReason}`, { skip: engine.skipReason }, () => undefined);
} else {
  runtimeConformance({
    name: "docker (busybox)",
    makeRuntime: () => createDockerRuntime({ dockerHost: engine.dockerHost, defaultImage: TEST_IMAGE }),
    makeSpec: (overrides) => defaultSpec({ image: TEST_IMAGE, ...overrides }),
    skip,
    ...dockerConformanceHooks(engine.dockerHost),
  });
  // The same suite in a Debian userland (coreutils, dash): semantics must not depend on busybox.
  if (await imagePresent(engine.dockerHost, DEBIAN_TEST_IMAGE)) {
    runtimeConformance({
      name: "docker (debian)",
      makeRuntime: () => createDockerRuntime({ dockerHost: engine.dockerHost, defaultImage: DEBIAN_TEST_IMAGE }),
      makeSpec: (overrides) => defaultSpec({ image: DEBIAN_TEST_IMAGE, ...overrides }),
      skip,
      ...dockerConformanceHooks(engine.dockerHost),
    });
  } else {
    const reason = `${DEBIAN_TEST_IMAGE} is not built (C8S_DOCKER_DEBIAN=1 bash scripts/docker-test-engine.sh start builds it)`;
    void it(`docker runtime conformance in Debian skipped: ${reason}`, { skip: reason }, () => undefined);
  }
}
