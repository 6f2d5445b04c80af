/**
 * Migration 5: teams, the tenant boundary. Every token, sandbox, run and secret belongs to a
 * team; what existed before belongs to the `default` team. A token gains a role (`admin` of
 * the installation, `owner`, `member`, `viewer`), optional narrower scopes and an expiry.
 * Old scopes map to roles: `["admin"]` → `admin`, anything else (`["sandboxes"]`) → `member`
 * with no narrowing (so an old low-privilege token keeps doing what it did). Secrets are
 * keyed by (team, name), so two teams may each have a `DEPLOY_KEY`.
 */
import type { Migration } from "./migration.ts";

export const TEAMS_MIGRATION: Migration = {
  id: 5,
  name: "teams-roles-scopes",
  sql: `
CREATE TABLE teams (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL
);
INSERT INTO teams (id, name, created_at) VALUES ('default', 'default', now());

ALTER TABLE tokens ADD COLUMN team_id text NOT NULL DEFAULT 'default' REFERENCES teams (id);
ALTER TABLE tokens ADD COLUMN role text NOT NULL DEFAULT 'member'
  CHECK (role IN ('admin', 'owner', 'member', 'viewer'));
ALTER TABLE tokens ADD COLUMN expires_at timestamptz;
UPDATE tokens SET role = 'admin' WHERE scopes @> '["admin"]'::jsonb;
UPDATE tokens SET scopes = '[]'::jsonb;
CREATE INDEX tokens_team_idx ON tokens (team_id);

ALTER TABLE sandboxes ADD COLUMN team_id text NOT NULL DEFAULT 'default';
CREATE INDEX sandboxes_team_idx ON sandboxes (team_id, created_at);

ALTER TABLE runs ADD COLUMN team_id text NOT NULL DEFAULT 'default';
CREATE INDEX runs_team_idx ON runs (team_id, created_at);

ALTER TABLE secrets ADD COLUMN team_id text NOT NULL DEFAULT 'default';
ALTER TABLE secrets DROP CONSTRAINT secrets_pkey;
ALTER TABLE secrets ADD PRIMARY KEY (team_id, name);
`,
};
