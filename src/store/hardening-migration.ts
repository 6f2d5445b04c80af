/**
 * Migration 3: webhook deliveries de-duplicated by what is signed, and repository
 * credentials out of `runs.repo_url`.
 *
 * - `webhook_deliveries` is keyed by `(provider, payload_key)` (`sha256:<hex of the raw
 *   body>`); the delivery-id header becomes an optional column. Rows from before keep their
 *   header id as key under a `delivery-id:` prefix that no body hash can equal.
 * - `runs.repo_credential` holds a URL's credential sealed by the server (see
 *   `src/pipelines/repo-url.ts`); URLs already stored with a credential are redacted to
 *   `scheme://***@host/…` (a re-run of such a run clones without it).
 * - `runs.pipeline_yaml` of runs whose pipeline came from a repository file is cleared: an
 *   older version read it through the clone's symlinks (it may hold a host file); a re-run
 *   reads the file again from git at the run's commit.
 */
import type { Migration } from "./migration.ts";

export const HARDENING_MIGRATION: Migration = {
  id: 3,
  name: "webhook-payload-keys-repo-credentials",
  sql: `
ALTER TABLE webhook_deliveries ADD COLUMN payload_key text;
UPDATE webhook_deliveries SET payload_key = 'delivery-id:' || delivery_id;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_pkey;
ALTER TABLE webhook_deliveries ALTER COLUMN delivery_id DROP NOT NULL;
ALTER TABLE webhook_deliveries ALTER COLUMN payload_key SET NOT NULL;
ALTER TABLE webhook_deliveries ADD PRIMARY KEY (provider, payload_key);

ALTER TABLE runs ADD COLUMN repo_credential text;
UPDATE runs SET repo_url = regexp_replace(repo_url, '^(https?://)[^/?#]*@', '\\1***@', 'i')
  WHERE repo_url ~* '^https?://[^/?#]*@';
UPDATE runs SET pipeline_yaml = NULL WHERE pipeline_path IS NOT NULL;
`,
};
