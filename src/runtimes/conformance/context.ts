import type { TestContext } from "node:test";
import type { Runtime, SandboxHandle, SandboxSpec } from "../types.ts";
import type { SpecOverrides } from "./helpers.ts";

/** What every conformance case gets. */
export interface ConformanceContext {
  runtime: Runtime;
  /** One sandbox shared by the cases that do not change its lifecycle (env A=sandbox, B=sandbox). */
  shared: SandboxHandle;
  sharedSpec: SandboxSpec;
  makeSpec: (overrides?: SpecOverrides) => SandboxSpec;
  /** Creates a sandbox that is destroyed after the suite. */
  create: (overrides?: SpecOverrides) => Promise<{ handle: SandboxHandle; spec: SandboxSpec }>;
  /** Another instance of the runtime, as after a restart (the caller closes it). */
  reopen: () => Promise<Runtime>;
  /** Ends a sandbox the way something outside c8s would (docker kill, kill -9 of its pid 1). */
  killFromOutside?: ((handle: SandboxHandle) => Promise<void>) | undefined;
  /** What of an owner's sandboxes is still there after destroy (volumes, directories…); [] when clean. */
  leftovers?: ((owner: string) => Promise<string[]>) | undefined;
  /** Set when the runtime's network is simulated (KWOK): why network cases cannot hold. */
  simulatedNetwork?: string | undefined;
}

export interface ConformanceCase {
  name: string;
  run: (ctx: ConformanceContext, t: TestContext) => Promise<void>;
}
