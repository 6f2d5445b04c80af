/**
 * An engine for one process's own work (`c8s run`, benches, tests): the in-memory store,
 * no start-up reconciliation (nothing of a previous process is its to remove), and on close
 * every sandbox it created is destroyed.
 */
import type { Runtime } from "../runtimes/types.ts";
import { openMemoryEngineStore } from "../store/memory-store.ts";
import type { Logger } from "./clock.ts";
import type { EngineDefaults, EnginePolicy } from "./sandbox-plan.ts";
import { SandboxEngine } from "./sandbox-engine.ts";

export function createEmbeddedEngine(options: {
  runtime: Runtime;
  /** Owner label of its sandboxes; give each process its own so one never touches another's. */
  owner: string;
  defaults: EngineDefaults;
  maxSandboxes: number;
  policy?: EnginePolicy;
  logger?: Logger;
}): SandboxEngine {
  return new SandboxEngine({
    runtime: options.runtime,
    store: openMemoryEngineStore(),
    owner: options.owner,
    defaults: options.defaults,
    maxSandboxes: options.maxSandboxes,
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
