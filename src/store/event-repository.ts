import { iso, json } from "./rows.ts";
import type { SqlClient, SqlParam } from "./sql-client.ts";
import type { EventRepository, SandboxEvent, SandboxEventType } from "./types.ts";

export function eventFromRow(row: Record<string, unknown>): SandboxEvent {
  return {
    seq: Number(row["seq"]),
    sandboxId: String(row["sandbox_id"]),
    type: row["type"] as SandboxEventType,
    at: iso(row["at"]),
    data: json(row["data"], {}),
  };
}

export class SqlEventRepository implements EventRepository {
  constructor(private readonly db: SqlClient) {}

  async append(event: Omit<SandboxEvent, "seq">): Promise<SandboxEvent> {
    const { rows } = await this.db.query(
      "INSERT INTO events (sandbox_id, type, at, data) VALUES ($1, $2, $3::timestamptz, $4::jsonb) RETURNING *",
      [event.sandboxId, event.type, event.at, JSON.stringify(event.data)],
    );
    return eventFromRow(rows[0] as Record<string, unknown>);
  }

  async list(options: { afterSeq?: number; sandboxId?: string; limit?: number }): Promise<SandboxEvent[]> {
    const params: SqlParam[] = [options.afterSeq ?? 0];
    let where = "seq > $1";
    if (options.sandboxId !== undefined) {
      params.push(options.sandboxId);
      where += ` AND sandbox_id = $${params.length}`;
    }
    const limit = options.limit === undefined ? "" : ` LIMIT ${Math.max(0, Math.floor(options.limit))}`;
    const { rows } = await this.db.query(`SELECT * FROM events WHERE ${where} ORDER BY seq${limit}`, params);
    return rows.map(eventFromRow);
  }
}
