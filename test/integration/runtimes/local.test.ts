import { runtimeConformance } from "../../../src/runtimes/conformance/index.ts";
import { makeLocalRuntime } from "../../fixtures/runtime-local.ts";

runtimeConformance({
  name: "local",
  makeRuntime: () => Promise.resolve(makeLocalRuntime()),
});
