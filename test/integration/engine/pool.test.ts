/** The warm-pool suite on the local runtime (real bubblewrap); docker and kubernetes call the same suite. */
import { join } from "node:path";
import { createLocalRuntime } from "../../../src/runtimes/local/index.ts";
import { runPoolSuite } from "../../fixtures/pool-suite.ts";
import { TEST_SUPERVISOR_CACHE } from "../../fixtures/runtime-local.ts";

runPoolSuite({
  name: "local (bubblewrap)",
  runtime: async (home) =>
    createLocalRuntime({ stateDir: join(home, "local"), supervisorCacheDir: TEST_SUPERVISOR_CACHE }),
});
