/**
 * Migration 7: team quotas. A team may have its own ceiling on its active sandboxes (how many,
 * their memory and CPU limits summed) and its concurrent pipeline runs; null takes the
 * installation's default (`teamQuotas` in the server configuration).
 */
import type { Migration } from "./migration.ts";

export const QUOTAS_MIGRATION: Migration = {
  id: 7,
  name: "team-quotas",
  sql: `
ALTER TABLE teams ADD COLUMN max_sandboxes integer CHECK (max_sandboxes > 0);
ALTER TABLE teams ADD COLUMN max_memory_bytes bigint CHECK (max_memory_bytes > 0);
ALTER TABLE teams ADD COLUMN max_cpu_millis integer CHECK (max_cpu_millis > 0);
ALTER TABLE teams ADD COLUMN max_runs integer CHECK (max_runs > 0);
`,
};
