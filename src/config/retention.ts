/** Retention settings in days (audit log, artifacts): one cut-off rule for every sweep. */

const DAY_MS = 24 * 60 * 60 * 1000;

/** The ISO time before which things are deleted, or null when `retentionDays` is 0 (kept forever). Pure. */
export function retentionCutoff(retentionDays: number, now: number): string | null {
  return retentionDays > 0 ? new Date(now - retentionDays * DAY_MS).toISOString() : null;
}
