/** The audit log over any SqlClient: append-only, read with filters, old entries swept by age. */
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
  /** An action exactly (`secret.use`), or every action starting with a prefix ending in `*` (`DELETE *`). */
  action?: string;
  /** The kind of resource (`sandbox`, `secret`, …). */
  resource?: string;
  resourceId?: string;
  tokenId?: string;
  /** Entries at or after this ISO time. */
  since?: string;
  /** Entries before this ISO time. */
  until?: string;
  /** Entries older than this sequence number (paging newest first). */
  before?: number;
  /** Entries newer than this sequence number (paging oldest first). */
  after?: number;
  /** `newest` first (default) or `oldest` first. */
  order?: "newest" | "oldest";
  /** 1…1000, default 100. */
  limit?: number;
}

export interface AuditRepository {
  append(entry: Omit<AuditEntry, "seq">): Promise<void>;
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
  /** Deletes at most `limit` of the oldest entries from before `cutoff` (ISO); returns how many. */
  deleteBefore(cutoff: string, limit: number): Promise<number>;
}

/** `DELETE *` → a LIKE pattern `DELETE %` with the user's own `%`, `_` and `\` escaped. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The WHERE clause and parameters of a filter (pure). */
export function auditWhere(filter: AuditFilter): { where: string; params: SqlParam[] } {
  const clauses: string[] = [];
  const params: SqlParam[] = [];
  const add = (clause: (n: string) => string, value: SqlParam) => {
    params.push(value);
    clauses.push(clause(`$${params.length}`));
  };
  if (filter.teamId !== undefined) add((n) => `team_id = ${n}`, filter.teamId);
  if (filter.action !== undefined)
    if (filter.action.endsWith("*")) add((n) => `action LIKE ${n} ESCAPE '\\'`, likePrefix(filter.action.slice(0, -1)));
    else add((n) => `action = ${n}`, filter.action);
  if (filter.resource !== undefined) add((n) => `resource = ${n}`, filter.resource);
  if (filter.resourceId !== undefined) add((n) => `resource_id = ${n}`, filter.resourceId);
  if (filter.tokenId !== undefined) add((n) => `token_id = ${n}`, filter.tokenId);
  if (filter.since !== undefined) add((n) => `at >= ${n}::timestamptz`, filter.since);
  if (filter.until !== undefined) add((n) => `at < ${n}::timestamptz`, filter.until);
  if (filter.before !== undefined) add((n) => `seq < ${n}`, filter.before);
  if (filter.after !== undefined) add((n) => `seq > ${n}`, filter.after);
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "", params };
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
    const { where, params } = auditWhere(filter);
    params.push(Math.min(Math.max(filter.limit ?? 100, 1), 1000));
    const order = filter.order === "oldest" ? "ASC" : "DESC";
    const { rows } = await this.db.query(
      `SELECT * FROM audit_log ${where} ORDER BY seq ${order} LIMIT $${params.length}`,
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

  async deleteBefore(cutoff: string, limit: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM audit_log WHERE seq IN
         (SELECT seq FROM audit_log WHERE at < $1::timestamptz ORDER BY seq LIMIT $2)`,
      [cutoff, Math.max(1, Math.floor(limit))],
    );
    return rowCount;
  }
}
