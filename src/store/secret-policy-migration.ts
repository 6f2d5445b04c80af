/** Migration 8: a secret's exposure policy (which events, branches, repositories, forks); null = the default. */
import type { Migration } from "./migration.ts";

export const SECRET_POLICY_MIGRATION: Migration = {
  id: 8,
  name: "secret-policy",
  sql: `
ALTER TABLE secrets ADD COLUMN policy jsonb;
`,
};
