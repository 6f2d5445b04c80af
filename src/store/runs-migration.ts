/** Migration 2: pipeline runs, their steps, webhook deliveries and encrypted secrets. */
import type { Migration } from "./migration.ts";

export const RUNS_MIGRATION: Migration = {
  id: 2,
  name: "runs-steps-webhook-deliveries-secrets",
  sql: `
CREATE TABLE runs (
  id text PRIMARY KEY,
  pipeline text NOT NULL,
  state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped', 'timed-out')),
  reason text,
  priority integer NOT NULL DEFAULT 0,
  repo_url text NOT NULL,
  ref text NOT NULL,
  commit_id text,
  branch text,
  event text NOT NULL,
  pipeline_path text,
  pipeline_yaml text,
  trigger jsonb NOT NULL,
  rerun_of text,
  reuse jsonb NOT NULL DEFAULT '[]'::jsonb,
  cancel_previous boolean NOT NULL DEFAULT false,
  artifacts jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX runs_queue_idx ON runs (priority DESC, created_at, id) WHERE state = 'queued';
CREATE INDEX runs_state_idx ON runs (state);
CREATE INDEX runs_created_idx ON runs (created_at);
CREATE INDEX runs_branch_idx ON runs (repo_url, branch, pipeline);

CREATE TABLE run_steps (
  run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name text NOT NULL,
  position integer NOT NULL,
  state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped', 'timed-out')),
  reason text,
  attempts integer NOT NULL DEFAULT 0,
  exit_code integer,
  started_at timestamptz,
  finished_at timestamptz,
  duration_ms bigint,
  PRIMARY KEY (run_id, name)
);

CREATE TABLE webhook_deliveries (
  provider text NOT NULL,
  delivery_id text NOT NULL,
  run_id text,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (provider, delivery_id)
);

CREATE TABLE secrets (
  name text PRIMARY KEY,
  ciphertext text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
`,
};
