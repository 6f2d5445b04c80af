/**
 * Migration 4: one sandbox lifecycle for every workload. A sandbox records what it is for
 * (`purpose`) and the pipeline run and step (or service) it belongs to.
 */
import type { Migration } from "./migration.ts";

export const WORKLOADS_MIGRATION: Migration = {
  id: 4,
  name: "workload-sandboxes",
  sql: `
ALTER TABLE sandboxes ADD COLUMN purpose text NOT NULL DEFAULT 'sandbox'
  CHECK (purpose IN ('sandbox', 'step', 'service', 'session', 'agent'));
ALTER TABLE sandboxes ADD COLUMN run_id text;
ALTER TABLE sandboxes ADD COLUMN step text;
CREATE INDEX sandboxes_run_idx ON sandboxes (run_id) WHERE run_id IS NOT NULL;
CREATE INDEX sandboxes_purpose_state_idx ON sandboxes (purpose, state);
`,
};
