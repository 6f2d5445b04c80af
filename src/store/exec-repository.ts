import type { ExecEndReason } from "../runtimes/types.ts";
import { buildInsert, type ColumnMap, iso, isoOrNull, json, jsonParam, numOrNull, placeholders } from "./rows.ts";
import type { SqlClient, SqlParam } from "./sql-client.ts";
import type { ExecRecord, ExecRepository, ExecState } from "./types.ts";

const text = (v: string | null): SqlParam => v;
const ts = (v: string | null): SqlParam => v;
const num = (v: number | null): SqlParam => v;

const EXEC_COLUMNS: ColumnMap = {
  sandboxId: { column: "sandbox_id", param: text },
  command: { column: "command", cast: "::jsonb", param: jsonParam },
  tty: { column: "tty", param: (v: boolean) => v },
  state: { column: "state", param: text },
  startedAt: { column: "started_at", cast: "::timestamptz", param: ts },
  endedAt: { column: "ended_at", cast: "::timestamptz", param: ts },
  exitCode: { column: "exit_code", param: num },
  signal: { column: "signal", param: text },
  reason: { column: "reason", param: text },
  durationMs: { column: "duration_ms", param: num },
};

export function execFromRow(row: Record<string, unknown>): ExecRecord {
  return {
    id: String(row["id"]),
    sandboxId: String(row["sandbox_id"]),
    command: json(row["command"], []),
    tty: Boolean(row["tty"]),
    state: row["state"] as ExecState,
    startedAt: iso(row["started_at"]),
    endedAt: isoOrNull(row["ended_at"]),
    exitCode: numOrNull(row["exit_code"]),
    signal: (row["signal"] as string | null) ?? null,
    reason: (row["reason"] as ExecEndReason | null) ?? null,
    durationMs: numOrNull(row["duration_ms"]),
  };
}

export class SqlExecRepository implements ExecRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(record: ExecRecord): Promise<void> {
    const insert = buildInsert({ ...record }, EXEC_COLUMNS);
    await this.db.query(`INSERT INTO execs ${insert.sql}`, insert.params);
  }

  async get(id: string): Promise<ExecRecord | null> {
    const { rows } = await this.db.query("SELECT * FROM execs WHERE id = $1", [id]);
    return rows[0] === undefined ? null : execFromRow(rows[0]);
  }

  async listBySandbox(sandboxId: string, limit?: number): Promise<ExecRecord[]> {
    const limitSql = limit === undefined ? "" : ` LIMIT ${Math.max(0, Math.floor(limit))}`;
    const { rows } = await this.db.query(
      `SELECT * FROM execs WHERE sandbox_id = $1 ORDER BY started_at, id${limitSql}`,
      [sandboxId],
    );
    return rows.map(execFromRow);
  }

  async finish(
    id: string,
    patch: Pick<ExecRecord, "endedAt" | "exitCode" | "signal" | "reason" | "durationMs">,
  ): Promise<void> {
    // Only a running exec can finish: the first ending wins (e.g. reconciliation vs a late exit).
    await this.db.query(
      `UPDATE execs SET state = 'finished', ended_at = $2::timestamptz, exit_code = $3, signal = $4, reason = $5, duration_ms = $6
       WHERE id = $1 AND state = 'running'`,
      [id, patch.endedAt, patch.exitCode, patch.signal, patch.reason, patch.durationMs],
    );
  }

  async finishAllRunning(sandboxIds: string[], reason: ExecEndReason, at: string): Promise<number> {
    if (sandboxIds.length === 0) return 0;
    const { rowCount } = await this.db.query(
      `UPDATE execs SET state = 'finished', ended_at = $1::timestamptz, reason = $2,
         duration_ms = GREATEST(0, floor(extract(epoch FROM ($1::timestamptz - started_at)) * 1000))::bigint
       WHERE state = 'running' AND sandbox_id IN (${placeholders(sandboxIds.length, 3)})`,
      [at, reason, ...sandboxIds],
    );
    return rowCount;
  }
}
