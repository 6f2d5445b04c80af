/**
 * Migration 11: a run may clone with a team secret (`repoSecret`, issue 10: "Git credentials
 * for a repository are secrets with the same boundary"). `runs.repo_secret` holds the secret's
 * name — never its value —, which a re-run copies and the clone resolves again.
 */
import type { Migration } from "./migration.ts";

export const REPO_SECRET_MIGRATION: Migration = {
  id: 11,
  name: "run-repo-secret",
  sql: `
ALTER TABLE runs ADD COLUMN repo_secret text;
`,
};
