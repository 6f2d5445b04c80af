/**
 * The audit log: who (token, team) did what to which resource, and when — every mutating API
 * call and every secret a run was given. It never holds a request body or a secret's value.
 */
import type { Migration } from "./migration.ts";

export const AUDIT_MIGRATION: Migration = {
  id: 6,
  name: "audit-log",
  sql: `
CREATE TABLE audit_log (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  token_id text,
  team_id text,
  action text NOT NULL,
  resource text NOT NULL,
  resource_id text,
  status integer,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_team_seq_idx ON audit_log (team_id, seq);
`,
};
