/** The shared runtime conformance suite on the local runtime (bubblewrap + the C supervisor). */
import { runtimeConformance } from "../../../src/runtimes/conformance/index.ts";
import { makeLocalRuntime, makeTestStateDir } from "../../fixtures/runtime-local.ts";

// One state directory for the suite: a second instance on it is a restart (orphans are found).
const stateDir = makeTestStateDir();

runtimeConformance({
  name: "local",
  makeRuntime: () => Promise.resolve(makeLocalRuntime({ stateDir })),
  // What a host admin's `kill -9` of the sandbox's bubblewrap does.
  killFromOutside: async (handle) => {
    process.kill(Number(handle.ref["pid"]), "SIGKILL");
  },
});
