/** Timestamps from a sandbox are untrusted: one outside what a Date holds is shown as the epoch, never a RangeError. */
export function isoOrEpoch(value: number | string | Date | null | undefined): string {
  const when = value instanceof Date ? value : new Date(typeof value === "string" ? value : Number(value ?? 0));
  return Number.isFinite(when.getTime()) ? when.toISOString() : new Date(0).toISOString();
}
