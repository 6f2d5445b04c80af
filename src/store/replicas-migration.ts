/**
 * Migration 13: several c8s replicas on one PostgreSQL (issue 16). Each server process holds a
 * lease in `replicas` (a random id per process, the engine's owner label it stamps on its
 * sandboxes, host and pid, and a heartbeat that pushes `expires_at` forward); a run records
 * the replica that claimed it (`runs.owner_replica`), so recovery touches only work whose
 * owner's lease is gone. `c8s_settings` holds installation-wide values such as the check
 * value of the secrets key (never the key).
 */
import type { Migration } from "./migration.ts";

export const REPLICAS_MIGRATION: Migration = {
  id: 13,
  name: "replica-leases",
  sql: `
CREATE TABLE replicas (
  id text PRIMARY KEY,
  owner text NOT NULL,
  host text NOT NULL,
  pid integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX replicas_expires_idx ON replicas (expires_at);
CREATE INDEX replicas_owner_idx ON replicas (owner);
ALTER TABLE runs ADD COLUMN owner_replica text;
CREATE INDEX runs_running_owner_idx ON runs (owner_replica) WHERE state = 'running';
CREATE TABLE c8s_settings (
  name text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
};
