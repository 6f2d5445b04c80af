/**
 * Migration 10: the stored-bytes quota. A team may have a ceiling on what its runs keep on
 * disk (their artifacts and step logs); a run records the bytes of its step logs when it ends
 * (`log_bytes`), its artifacts' sizes are already in `artifacts`.
 */
import type { Migration } from "./migration.ts";

export const STORED_BYTES_MIGRATION: Migration = {
  id: 10,
  name: "team-stored-bytes",
  sql: `
ALTER TABLE teams ADD COLUMN max_stored_bytes bigint CHECK (max_stored_bytes > 0);
ALTER TABLE runs ADD COLUMN log_bytes bigint NOT NULL DEFAULT 0;
`,
};
