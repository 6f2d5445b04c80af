/** The sandbox engine and the pieces others reuse (schemas, output buffer, state machine). */
export type * from "./types.ts";
export { SandboxEngine } from "./sandbox-engine.ts";
export { ownerForHome, type SandboxEngineOptions } from "./engine-options.ts";
export { systemClock, silentLogger, type Clock, type Logger, type TimerHandle } from "./clock.ts";
export { OutputBuffer, type OutputBufferOptions, type Sequenced } from "./output-buffer.ts";
export { EventLog } from "./event-log.ts";
export { reconcile, INTERRUPTED_MESSAGE, type ReconcileReport } from "./reconcile.ts";
export {
  ACTIVE_STATES,
  SANDBOX_TRANSITIONS,
  assertTransition,
  canTransition,
  isTerminal,
  legalSources,
  sourcesOf,
} from "./state-machine.ts";
export {
  planSandbox,
  reapVerdict,
  DEFAULT_WORKDIR,
  type EngineDefaults,
  type StoredSandboxSpec,
} from "./sandbox-plan.ts";
export { newId } from "./ids.ts";
export * from "./schemas.ts";
export {
  checkSandboxQuota,
  effectiveQuotas,
  enforceTeamQuota,
  usageOf,
  type SandboxUsage,
  type TeamQuotaSource,
} from "./team-quotas.ts";
