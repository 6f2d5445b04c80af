/**
 * Migration 15: sessions (issue 12, first slice) — a person's workspace whose files live in
 * the store. A session has at most one engine sandbox (purpose `session`) attached at a time;
 * its files are rows of `session_files`, content inline (bytea), one version per write.
 */
import type { Migration } from "./migration.ts";

export const SESSIONS_MIGRATION: Migration = {
  id: 15,
  name: "sessions",
  sql: `
CREATE TABLE sessions (
  id text PRIMARY KEY,
  team_id text NOT NULL REFERENCES teams (id),
  name text,
  spec jsonb NOT NULL DEFAULT '{}'::jsonb,
  idle_timeout_ms bigint NOT NULL,
  max_lifetime_ms bigint NOT NULL,
  state text NOT NULL CHECK (state IN ('active', 'deleted')),
  sandbox_id text,
  created_by text,
  created_at timestamptz NOT NULL,
  last_activity_at timestamptz NOT NULL,
  ended_at timestamptz
);
CREATE INDEX sessions_team ON sessions (team_id, created_at);
CREATE INDEX sessions_active ON sessions (state) WHERE state = 'active';

CREATE TABLE session_files (
  session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  path text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('file', 'symlink')),
  mode integer NOT NULL,
  size bigint NOT NULL,
  sha256 text NOT NULL,
  version bigint NOT NULL,
  content bytea NOT NULL,
  link_target text,
  mtime timestamptz NOT NULL,
  PRIMARY KEY (session_id, path)
);
`,
};
