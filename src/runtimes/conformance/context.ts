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
}

export interface ConformanceCase {
  name: string;
  run: (ctx: ConformanceContext) => Promise<void>;
}
