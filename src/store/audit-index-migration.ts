/** Migration 9: the audit log by time, for `since`/`until` filters and the retention sweep (deletes by age). */
import type { Migration } from "./migration.ts";

export const AUDIT_INDEX_MIGRATION: Migration = {
  id: 9,
  name: "audit-log-at-index",
  sql: `
CREATE INDEX audit_log_at_idx ON audit_log (at);
`,
};
