import { buildInsert, type ColumnMap, iso, isoOrNull, json, jsonParam } from "./rows.ts";
import type { SqlClient, SqlParam } from "./sql-client.ts";
import type { TokenRecord, TokenRepository } from "./types.ts";

const text = (v: string | null): SqlParam => v;
const ts = (v: string | null): SqlParam => v;

const TOKEN_COLUMNS: ColumnMap = {
  name: { column: "name", param: text },
  hash: { column: "hash", param: text },
  scopes: { column: "scopes", cast: "::jsonb", param: jsonParam },
  createdAt: { column: "created_at", cast: "::timestamptz", param: ts },
  lastUsedAt: { column: "last_used_at", cast: "::timestamptz", param: ts },
  revokedAt: { column: "revoked_at", cast: "::timestamptz", param: ts },
};

export function tokenFromRow(row: Record<string, unknown>): TokenRecord {
  return {
    id: String(row["id"]),
    name: String(row["name"]),
    hash: String(row["hash"]),
    scopes: json(row["scopes"], []),
    createdAt: iso(row["created_at"]),
    lastUsedAt: isoOrNull(row["last_used_at"]),
    revokedAt: isoOrNull(row["revoked_at"]),
  };
}

export class SqlTokenRepository implements TokenRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(record: TokenRecord): Promise<void> {
    const insert = buildInsert({ ...record }, TOKEN_COLUMNS);
    await this.db.query(`INSERT INTO tokens ${insert.sql}`, insert.params);
  }

  async findByHash(hash: string): Promise<TokenRecord | null> {
    const { rows } = await this.db.query("SELECT * FROM tokens WHERE hash = $1", [hash]);
    return rows[0] === undefined ? null : tokenFromRow(rows[0]);
  }

  async list(): Promise<TokenRecord[]> {
    const { rows } = await this.db.query("SELECT * FROM tokens ORDER BY created_at, id");
    return rows.map(tokenFromRow);
  }

  async revoke(id: string, at: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      "UPDATE tokens SET revoked_at = $2::timestamptz WHERE id = $1 AND revoked_at IS NULL",
      [id, at],
    );
    return rowCount > 0;
  }

  async markUsed(id: string, at: string): Promise<void> {
    await this.db.query("UPDATE tokens SET last_used_at = $2::timestamptz WHERE id = $1", [id, at]);
  }

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ n: unknown }>("SELECT count(*) AS n FROM tokens");
    return Number(rows[0]?.n ?? 0);
  }
}
