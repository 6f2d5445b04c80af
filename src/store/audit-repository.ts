/** The audit log over any SqlClient: append-only, read newest first, optionally one team's. */
import { iso } from "./rows.ts";
import type { SqlClient, SqlParam } from "./sql-client.ts";

export interface AuditEntry {
  seq: number;
  at: string;
  /** The token that made the call (null: a webhook or c8s itself). */
  tokenId: string | null;
  teamId: string | null;
  /** `POST /v1/sandboxes`, `secret.use`, … */
  action: string;
  /** What kind of thing it acted on: `sandbox`, `run`, `secret`, `token`, `team`, `webhook`, … */
  resource: string;
  resourceId: string | null;
  /** The HTTP status answered (null for a run's own actions). */
  status: number | null;
  /** Names and ids only, never a body or a secret's value. */
  details: Record<string, unknown>;
}

export interface AuditFilter {
  teamId?: string;
  /** Entries older than this sequence number (paging backwards). */
  before?: number;
  limit?: number;
}

export interface AuditRepository {
  append(entry: Omit<AuditEntry, "seq">): Promise<void>;
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
}

export class SqlAuditRepository implements AuditRepository {
  constructor(private readonly db: SqlClient) {}

  async append(entry: Omit<AuditEntry, "seq">): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (at, token_id, team_id, action, resource, resource_id, status, details)
       VALUES ($1::timestamptz, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [
        entry.at,
        entry.tokenId,
        entry.teamId,
        entry.action,
        entry.resource,
        entry.resourceId,
        entry.status,
        JSON.stringify(entry.details),
      ],
    );
  }

  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    if (filter.teamId !== undefined) {
      params.push(filter.teamId);
      where.push(`team_id = $${params.length}`);
    }
    if (filter.before !== undefined) {
      params.push(filter.before);
      where.push(`seq < $${params.length}`);
    }
    params.push(Math.min(Math.max(filter.limit ?? 100, 1), 1000));
    const { rows } = await this.db.query(
      `SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((row) => ({
      seq: Number(row["seq"]),
      at: iso(row["at"]),
      tokenId: row["token_id"] === null ? null : String(row["token_id"]),
      teamId: row["team_id"] === null ? null : String(row["team_id"]),
      action: String(row["action"]),
      resource: String(row["resource"]),
      resourceId: row["resource_id"] === null ? null : String(row["resource_id"]),
      status: row["status"] === null ? null : Number(row["status"]),
      details: (typeof row["details"] === "string" ? JSON.parse(row["details"]) : row["details"]) as Record<
        string,
        unknown
      >,
    }));
  }
}
