import type { TerminationReason } from "../runtimes/types.ts";
import {
  buildInsert,
  buildSet,
  type ColumnMap,
  iso,
  isoOrNull,
  json,
  jsonParam,
  numOrNull,
  placeholders,
} from "./rows.ts";
import type { SqlClient, SqlParam } from "./sql-client.ts";
import type { SandboxFilter, SandboxPurpose, SandboxRecord, SandboxRepository, SandboxState } from "./types.ts";

const text = (v: string | null): SqlParam => v;
const ts = (v: string | null): SqlParam => v;
const num = (v: number | null): SqlParam => v;

export const SANDBOX_COLUMNS: ColumnMap = {
  owner: { column: "owner", param: text },
  teamId: { column: "team_id", param: text },
  runtime: { column: "runtime", param: text },
  state: { column: "state", param: text },
  purpose: { column: "purpose", param: text },
  runId: { column: "run_id", param: text },
  step: { column: "step", param: text },
  spec: { column: "spec", cast: "::jsonb", param: jsonParam },
  labels: { column: "labels", cast: "::jsonb", param: jsonParam },
  handle: { column: "handle", cast: "::jsonb", param: jsonParam },
  createdAt: { column: "created_at", cast: "::timestamptz", param: ts },
  startedAt: { column: "started_at", cast: "::timestamptz", param: ts },
  lastActivityAt: { column: "last_activity_at", cast: "::timestamptz", param: ts },
  expiresAt: { column: "expires_at", cast: "::timestamptz", param: ts },
  idleTimeoutMs: { column: "idle_timeout_ms", param: num },
  endedAt: { column: "ended_at", cast: "::timestamptz", param: ts },
  terminationReason: { column: "termination_reason", param: text },
  terminationMessage: { column: "termination_message", param: text },
};

export function sandboxFromRow(row: Record<string, unknown>): SandboxRecord {
  return {
    id: String(row["id"]),
    owner: String(row["owner"]),
    teamId: String(row["team_id"] ?? "default"),
    runtime: row["runtime"] as SandboxRecord["runtime"],
    state: row["state"] as SandboxState,
    purpose: (row["purpose"] as SandboxPurpose | null) ?? "sandbox",
    runId: (row["run_id"] as string | null) ?? null,
    step: (row["step"] as string | null) ?? null,
    spec: json(row["spec"], {}),
    labels: json(row["labels"], {}),
    handle: json(row["handle"], null),
    createdAt: iso(row["created_at"]),
    startedAt: isoOrNull(row["started_at"]),
    lastActivityAt: iso(row["last_activity_at"]),
    expiresAt: isoOrNull(row["expires_at"]),
    idleTimeoutMs: numOrNull(row["idle_timeout_ms"]),
    endedAt: isoOrNull(row["ended_at"]),
    terminationReason: (row["termination_reason"] as TerminationReason | null) ?? null,
    terminationMessage: (row["termination_message"] as string | null) ?? null,
  };
}

function states(state: SandboxState | SandboxState[]): SandboxState[] {
  return Array.isArray(state) ? state : [state];
}

function purposes(purpose: SandboxPurpose | SandboxPurpose[]): SandboxPurpose[] {
  return Array.isArray(purpose) ? purpose : [purpose];
}

/** WHERE clause and params for a filter (pure; shared by list and count). */
export function sandboxWhere(filter: SandboxFilter): { sql: string; params: SqlParam[] } {
  const clauses: string[] = [];
  const params: SqlParam[] = [];
  if (filter.state !== undefined) {
    const list = states(filter.state);
    if (list.length === 0) return { sql: "WHERE false", params };
    clauses.push(`state IN (${placeholders(list.length, params.length + 1)})`);
    params.push(...list);
  }
  if (filter.owner !== undefined) {
    params.push(filter.owner);
    clauses.push(`owner = $${params.length}`);
  }
  if (filter.teamId !== undefined) {
    params.push(filter.teamId);
    clauses.push(`team_id = $${params.length}`);
  }
  if (filter.excludeTeamId !== undefined) {
    params.push(filter.excludeTeamId);
    clauses.push(`team_id <> $${params.length}`);
  }
  if (filter.purpose !== undefined) {
    const list = purposes(filter.purpose);
    if (list.length === 0) clauses.push("false");
    else {
      clauses.push(`purpose IN (${placeholders(list.length, params.length + 1)})`);
      params.push(...list);
    }
  }
  if (filter.runId !== undefined) {
    params.push(filter.runId);
    clauses.push(`run_id = $${params.length}`);
  }
  if (filter.labels !== undefined && Object.keys(filter.labels).length > 0) {
    params.push(JSON.stringify(filter.labels));
    clauses.push(`labels @> $${params.length}::jsonb`);
  }
  return { sql: clauses.length === 0 ? "" : `WHERE ${clauses.join(" AND ")}`, params };
}

export class SqlSandboxRepository implements SandboxRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(record: SandboxRecord): Promise<void> {
    const insert = buildInsert({ ...record }, SANDBOX_COLUMNS);
    await this.db.query(`INSERT INTO sandboxes ${insert.sql}`, insert.params);
  }

  async get(id: string): Promise<SandboxRecord | null> {
    const { rows } = await this.db.query("SELECT * FROM sandboxes WHERE id = $1", [id]);
    return rows[0] === undefined ? null : sandboxFromRow(rows[0]);
  }

  async list(filter: SandboxFilter = {}): Promise<SandboxRecord[]> {
    const where = sandboxWhere(filter);
    const limit = filter.limit === undefined ? "" : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
    const { rows } = await this.db.query(
      `SELECT * FROM sandboxes ${where.sql} ORDER BY created_at, id${limit}`,
      where.params,
    );
    return rows.map(sandboxFromRow);
  }

  async count(filter: SandboxFilter = {}): Promise<number> {
    const where = sandboxWhere(filter);
    const { rows } = await this.db.query<{ n: unknown }>(
      `SELECT count(*) AS n FROM sandboxes ${where.sql}`,
      where.params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async update(id: string, patch: Partial<Omit<SandboxRecord, "id">>): Promise<SandboxRecord | null> {
    const set = buildSet(patch, SANDBOX_COLUMNS, 2);
    if (set.params.length === 0) return this.get(id);
    const { rows } = await this.db.query(`UPDATE sandboxes SET ${set.sql} WHERE id = $1 RETURNING *`, [
      id,
      ...set.params,
    ]);
    return rows[0] === undefined ? null : sandboxFromRow(rows[0]);
  }

  async transition(
    id: string,
    from: SandboxState | SandboxState[],
    patch: Partial<Omit<SandboxRecord, "id">> & { state: SandboxState },
  ): Promise<SandboxRecord | null> {
    const fromList = states(from);
    if (fromList.length === 0) return null;
    const set = buildSet(patch, SANDBOX_COLUMNS, 2 + fromList.length);
    const { rows } = await this.db.query(
      `UPDATE sandboxes SET ${set.sql} WHERE id = $1 AND state IN (${placeholders(fromList.length, 2)}) RETURNING *`,
      [id, ...fromList, ...set.params],
    );
    return rows[0] === undefined ? null : sandboxFromRow(rows[0]);
  }

  async touch(id: string, at: string): Promise<void> {
    // Never moves activity backwards (two requests finishing out of order).
    await this.db.query(
      "UPDATE sandboxes SET last_activity_at = $2::timestamptz WHERE id = $1 AND last_activity_at < $2::timestamptz",
      [id, at],
    );
  }
}
