/**
 * Reasons leave the runner masked: a step's reason (an exception's message, a refused
 * artifact's path), a retry's, the run's. `runPipelineLocally` passes every event and its
 * result through these, so the run record, live events and `run.json` never hold a secret
 * value, whatever built the text.
 */
import type { SecretMasker } from "../../engine/masking.ts";
import type { LocalRunEvent } from "./run-events.ts";
import type { RunResult, StepRecord } from "./scheduler.ts";

function maskReason(masker: SecretMasker, reason: string | undefined): string | undefined {
  return reason === undefined ? undefined : masker.maskString(reason);
}

export function maskStepRecord(step: StepRecord, masker: SecretMasker): StepRecord {
  return step.reason === undefined ? step : { ...step, reason: maskReason(masker, step.reason) };
}

/** The event with every free text in it masked (output is masked where it is produced). */
export function maskEvent(event: LocalRunEvent, masker: SecretMasker): LocalRunEvent {
  switch (event.type) {
    case "step":
      return { ...event, step: maskStepRecord(event.step, masker) };
    case "retry":
      return { ...event, reason: maskReason(masker, event.reason) };
    case "run":
      return event.detail === undefined ? event : { ...event, detail: masker.maskString(event.detail) };
    case "artifact":
      return { ...event, path: masker.maskString(event.path) };
    default:
      return event;
  }
}

export function maskRunResult(result: RunResult, masker: SecretMasker): RunResult {
  return {
    ...result,
    reason: maskReason(masker, result.reason),
    steps: result.steps.map((s) => maskStepRecord(s, masker)),
  };
}
