/** Pure conversions between SQL rows and domain records (drivers differ in how they type columns). */
import type { SqlParam } from "./sql-client.ts";

export function isoOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return date.toISOString();
}

export function iso(value: unknown): string {
  return isoOrNull(value) ?? new Date(0).toISOString();
}

export function numOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return Number(value);
}

/** jsonb comes back parsed from both drivers; a string means it was stored as text. */
export function json<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value === "string") return JSON.parse(value) as T;
  return value as T;
}

export function jsonParam(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** Per record field: the SQL column, an optional cast, and how to turn the value into a parameter. */
export type ColumnMap = Record<
  string,
  { column: string; cast?: string; param: (value: never) => SqlParam } | undefined
>;

interface Assignment {
  column: string;
  /** `$n` with its cast. */
  value: string;
}

function assignments(
  patch: Record<string, unknown>,
  columns: ColumnMap,
  firstIndex: number,
): { list: Assignment[]; params: SqlParam[] } {
  const list: Assignment[] = [];
  const params: SqlParam[] = [];
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const mapping = columns[field];
    if (mapping === undefined) throw new Error(`no column for field '${field}'`);
    params.push(mapping.param(value as never));
    list.push({ column: mapping.column, value: `$${firstIndex + params.length - 1}${mapping.cast ?? ""}` });
  }
  return { list, params };
}

/**
 * Builds `col1 = $n, col2 = $n+1` for the fields present in `patch`. Fields without a column
 * mapping are rejected: a typo in a patch is a bug, not a silent no-op.
 */
export function buildSet(
  patch: Record<string, unknown>,
  columns: ColumnMap,
  firstIndex: number,
): { sql: string; params: SqlParam[] } {
  const { list, params } = assignments(patch, columns, firstIndex);
  return { sql: list.map((a) => `${a.column} = ${a.value}`).join(", "), params };
}

/** Builds `(id, col1, …) VALUES ($1, $2, …)` for a whole record keyed by `id`. */
export function buildInsert(
  record: { id: string } & Record<string, unknown>,
  columns: ColumnMap,
): { sql: string; params: SqlParam[] } {
  const { id, ...rest } = record;
  const { list, params } = assignments(rest, columns, 2);
  return {
    sql: `(id${list.map((a) => `, ${a.column}`).join("")}) VALUES ($1${list.map((a) => `, ${a.value}`).join("")})`,
    params: [id, ...params],
  };
}

/** `$a, $b, …` placeholders for a list, starting at `firstIndex`. */
export function placeholders(count: number, firstIndex: number): string {
  return Array.from({ length: count }, (_, i) => `$${firstIndex + i}`).join(", ");
}
