/**
 * Migration 12: sandbox templates (issue 11). A template is a team's named preset of the
 * create-sandbox fields (image, limits, network, env, workdir, lifetimes) plus the size of its
 * warm pool (`pool_min`, `pool_max`). Names are unique per team. Env values are stored as given:
 * a template is not a secret store (docs/pools.md says so).
 */
import type { Migration } from "./migration.ts";

export const TEMPLATES_MIGRATION: Migration = {
  id: 12,
  name: "templates",
  sql: `
CREATE TABLE templates (
  id text PRIMARY KEY,
  team_id text NOT NULL,
  name text NOT NULL,
  spec jsonb NOT NULL,
  pool_min integer NOT NULL DEFAULT 0 CHECK (pool_min >= 0),
  pool_max integer NOT NULL DEFAULT 0 CHECK (pool_max >= pool_min),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (team_id, name)
);
CREATE INDEX templates_pool_idx ON templates (pool_max) WHERE pool_max > 0;
`,
};
