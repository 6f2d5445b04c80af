/**
 * The one schema, as numbered migrations. Plain PostgreSQL that PGlite runs too. Append new
 * migrations; never edit one that has shipped.
 */
import { AUDIT_MIGRATION } from "./audit-migration.ts";
import { AUDIT_INDEX_MIGRATION } from "./audit-index-migration.ts";
import { HARDENING_MIGRATION } from "./hardening-migration.ts";
import { HOOKS_MIGRATION } from "./hooks-migration.ts";
import { REPLICAS_MIGRATION } from "./replicas-migration.ts";
import { REPO_SECRET_MIGRATION } from "./repo-secret-migration.ts";
import { RUNS_MIGRATION } from "./runs-migration.ts";
import { SECRET_POLICY_MIGRATION } from "./secret-policy-migration.ts";
import { SESSIONS_MIGRATION } from "./sessions-migration.ts";
import { STORED_BYTES_MIGRATION } from "./stored-bytes-migration.ts";
import type { Migration } from "./migration.ts";
import { QUOTAS_MIGRATION } from "./quotas-migration.ts";
import { TEAMS_MIGRATION } from "./teams-migration.ts";
import { TEMPLATES_MIGRATION } from "./templates-migration.ts";
import { WORKLOADS_MIGRATION } from "./workloads-migration.ts";

export type { Migration };

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: "sandboxes-execs-events-tokens",
    sql: `
CREATE TABLE sandboxes (
  id text PRIMARY KEY,
  owner text NOT NULL,
  runtime text NOT NULL,
  state text NOT NULL CHECK (state IN ('creating', 'running', 'stopping', 'terminated')),
  spec jsonb NOT NULL,
  labels jsonb NOT NULL DEFAULT '{}'::jsonb,
  handle jsonb,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  last_activity_at timestamptz NOT NULL,
  expires_at timestamptz,
  idle_timeout_ms bigint,
  ended_at timestamptz,
  termination_reason text,
  termination_message text
);
CREATE INDEX sandboxes_state_idx ON sandboxes (state);
CREATE INDEX sandboxes_owner_state_idx ON sandboxes (owner, state);
CREATE INDEX sandboxes_created_idx ON sandboxes (created_at);

CREATE TABLE execs (
  id text PRIMARY KEY,
  sandbox_id text NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
  command jsonb NOT NULL,
  tty boolean NOT NULL,
  state text NOT NULL CHECK (state IN ('running', 'finished')),
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  exit_code integer,
  signal text,
  reason text,
  duration_ms bigint
);
CREATE INDEX execs_sandbox_idx ON execs (sandbox_id, started_at);
CREATE INDEX execs_running_idx ON execs (sandbox_id) WHERE state = 'running';

CREATE TABLE events (
  seq bigserial PRIMARY KEY,
  sandbox_id text NOT NULL,
  type text NOT NULL,
  at timestamptz NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX events_sandbox_seq_idx ON events (sandbox_id, seq);

CREATE TABLE tokens (
  id text PRIMARY KEY,
  name text NOT NULL,
  hash text NOT NULL UNIQUE,
  scopes jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz
);
`,
  },
  RUNS_MIGRATION,
  HARDENING_MIGRATION,
  WORKLOADS_MIGRATION,
  TEAMS_MIGRATION,
  AUDIT_MIGRATION,
  QUOTAS_MIGRATION,
  SECRET_POLICY_MIGRATION,
  AUDIT_INDEX_MIGRATION,
  STORED_BYTES_MIGRATION,
  REPO_SECRET_MIGRATION,
  TEMPLATES_MIGRATION,
  REPLICAS_MIGRATION,
  HOOKS_MIGRATION,
  SESSIONS_MIGRATION,
];

export const MIGRATIONS_TABLE = "c8s_migrations";
