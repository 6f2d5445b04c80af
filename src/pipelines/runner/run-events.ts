/** What a pipeline run reports as it goes (`runPipelineLocally`'s onEvent), in its own module so the masker and the runner can both name it. */
import type { SchedulerEvent } from "./scheduler.ts";

export type LocalRunEvent =
  | SchedulerEvent
  | { type: "run"; state: "cloning" | "starting-services" | "running" | "finished"; runId: string; detail?: string }
  | { type: "output"; source: string; stream: "stdout" | "stderr"; data: Buffer }
  | { type: "service"; name: string; state: "ready" | "stopped" }
  | { type: "artifact"; step: string; path: string; key: string; size: number; refused?: string | undefined }
  | { type: "sandbox"; step: string; sandboxId: string }
  | { type: "kept"; step: string; sandboxId: string; until: string };
