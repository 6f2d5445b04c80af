/** Team webhook configurations over any SqlClient; the signing secret arrives already sealed. */
import { iso, isoOrNull } from "./rows.ts";
import type { HookRecord, HookRepository } from "./runs-types.ts";
import type { SqlClient } from "./sql-client.ts";

function fromRow(row: Record<string, unknown>): HookRecord {
  return {
    id: String(row["id"]),
    teamId: String(row["team_id"]),
    provider: row["provider"] === "gitlab" ? "gitlab" : "github",
    repoUrl: String(row["repo_url"]),
    secretCiphertext: String(row["secret_ciphertext"]),
    repoSecret: row["repo_secret"] === null ? null : String(row["repo_secret"]),
    createdBy: row["created_by"] === null ? null : String(row["created_by"]),
    createdAt: iso(row["created_at"]),
    lastDeliveryAt: isoOrNull(row["last_delivery_at"]),
  };
}

/** `WHERE id = $1` and, given a team, `AND team_id = $2`. */
function byId(id: string, teamId: string | undefined): { where: string; params: string[] } {
  return teamId === undefined
    ? { where: "id = $1", params: [id] }
    : { where: "id = $1 AND team_id = $2", params: [id, teamId] };
}

export class SqlHookRepository implements HookRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(r: HookRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO hooks (id, team_id, provider, repo_url, secret_ciphertext, repo_secret, created_by, created_at, last_delivery_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, $9::timestamptz)`,
      [
        r.id,
        r.teamId,
        r.provider,
        r.repoUrl,
        r.secretCiphertext,
        r.repoSecret,
        r.createdBy,
        r.createdAt,
        r.lastDeliveryAt,
      ],
    );
  }

  async get(id: string, teamId?: string): Promise<HookRecord | null> {
    const { where, params } = byId(id, teamId);
    const { rows } = await this.db.query(`SELECT * FROM hooks WHERE ${where}`, params);
    return rows[0] === undefined ? null : fromRow(rows[0]);
  }

  async list(teamId: string | undefined): Promise<HookRecord[]> {
    const { rows } =
      teamId === undefined
        ? await this.db.query("SELECT * FROM hooks ORDER BY created_at DESC, id")
        : await this.db.query("SELECT * FROM hooks WHERE team_id = $1 ORDER BY created_at DESC, id", [teamId]);
    return rows.map(fromRow);
  }

  async delete(id: string, teamId?: string): Promise<boolean> {
    const { where, params } = byId(id, teamId);
    const { rowCount } = await this.db.query(`DELETE FROM hooks WHERE ${where}`, params);
    return rowCount > 0;
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.query("UPDATE hooks SET last_delivery_at = $2::timestamptz WHERE id = $1", [id, at]);
  }
}
