/**
 * Migration 14: webhook configurations that belong to a team (issue 10: "every resource —
 * … webhook configuration … — belongs to a team"). A hook is one repository's delivery
 * address: its signing secret (sealed like a secret: the key never reaches the database), the
 * team its runs belong to and, optionally, the team secret its clones authenticate with.
 */
import type { Migration } from "./migration.ts";

export const HOOKS_MIGRATION: Migration = {
  id: 14,
  name: "team-hooks",
  sql: `
CREATE TABLE hooks (
  id text PRIMARY KEY,
  team_id text NOT NULL REFERENCES teams (id),
  provider text NOT NULL CHECK (provider IN ('github', 'gitlab')),
  repo_url text NOT NULL,
  secret_ciphertext text NOT NULL,
  repo_secret text,
  created_by text,
  created_at timestamptz NOT NULL,
  last_delivery_at timestamptz
);
CREATE INDEX hooks_team ON hooks (team_id, created_at);
`,
};
