import { buildInsert, type ColumnMap, iso, isoOrNull, json, jsonParam } from "./rows.ts";
import type { SqlClient, SqlParam } from "./sql-client.ts";
import {
  NO_QUOTAS,
  QUOTA_NAMES,
  type TeamQuotas,
  type TeamRecord,
  type TeamRepository,
  type TokenRecord,
  type TokenRepository,
  type TokenRole,
} from "./types.ts";

const text = (v: string | null): SqlParam => v;
const ts = (v: string | null): SqlParam => v;

const TOKEN_COLUMNS: ColumnMap = {
  name: { column: "name", param: text },
  hash: { column: "hash", param: text },
  teamId: { column: "team_id", param: text },
  role: { column: "role", param: text },
  scopes: { column: "scopes", cast: "::jsonb", param: jsonParam },
  createdAt: { column: "created_at", cast: "::timestamptz", param: ts },
  lastUsedAt: { column: "last_used_at", cast: "::timestamptz", param: ts },
  revokedAt: { column: "revoked_at", cast: "::timestamptz", param: ts },
  expiresAt: { column: "expires_at", cast: "::timestamptz", param: ts },
};

export function tokenFromRow(row: Record<string, unknown>): TokenRecord {
  return {
    id: String(row["id"]),
    name: String(row["name"]),
    hash: String(row["hash"]),
    teamId: String(row["team_id"] ?? "default"),
    role: String(row["role"] ?? "member") as TokenRole,
    scopes: json(row["scopes"], []),
    createdAt: iso(row["created_at"]),
    lastUsedAt: isoOrNull(row["last_used_at"]),
    revokedAt: isoOrNull(row["revoked_at"]),
    expiresAt: isoOrNull(row["expires_at"]),
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

  async get(id: string): Promise<TokenRecord | null> {
    const { rows } = await this.db.query("SELECT * FROM tokens WHERE id = $1", [id]);
    return rows[0] === undefined ? null : tokenFromRow(rows[0]);
  }

  async list(filter: { teamId?: string } = {}): Promise<TokenRecord[]> {
    const { rows } =
      filter.teamId === undefined
        ? await this.db.query("SELECT * FROM tokens ORDER BY created_at, id")
        : await this.db.query("SELECT * FROM tokens WHERE team_id = $1 ORDER BY created_at, id", [filter.teamId]);
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

const QUOTA_COLUMNS: Record<keyof TeamQuotas, string> = {
  maxSandboxes: "max_sandboxes",
  maxMemoryBytes: "max_memory_bytes",
  maxCpuMillis: "max_cpu_millis",
  maxRuns: "max_runs",
  maxStoredBytes: "max_stored_bytes",
};

const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function teamFromRow(row: Record<string, unknown>): TeamRecord {
  const quotas = { ...NO_QUOTAS };
  for (const name of QUOTA_NAMES) quotas[name] = numberOrNull(row[QUOTA_COLUMNS[name]]);
  return { id: String(row["id"]), name: String(row["name"]), createdAt: iso(row["created_at"]), quotas };
}

export class SqlTeamRepository implements TeamRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(record: Omit<TeamRecord, "quotas"> & { quotas?: Partial<TeamQuotas> }): Promise<void> {
    const quotas = { ...NO_QUOTAS, ...record.quotas };
    await this.db.query(
      `INSERT INTO teams (id, name, created_at, ${QUOTA_NAMES.map((n) => QUOTA_COLUMNS[n]).join(", ")})
       VALUES ($1, $2, $3::timestamptz, ${QUOTA_NAMES.map((_, i) => `$${i + 4}`).join(", ")})`,
      [record.id, record.name, record.createdAt, ...QUOTA_NAMES.map((n) => quotas[n])],
    );
  }

  async updateQuotas(id: string, quotas: Partial<TeamQuotas>): Promise<TeamRecord | null> {
    const named = QUOTA_NAMES.filter((n) => quotas[n] !== undefined);
    if (named.length === 0) return this.get(id);
    const set = named.map((n, i) => `${QUOTA_COLUMNS[n]} = $${i + 2}`).join(", ");
    const { rows } = await this.db.query(`UPDATE teams SET ${set} WHERE id = $1 RETURNING *`, [
      id,
      ...named.map((n) => quotas[n] ?? null),
    ]);
    return rows[0] === undefined ? null : teamFromRow(rows[0]);
  }

  async get(id: string): Promise<TeamRecord | null> {
    const { rows } = await this.db.query("SELECT * FROM teams WHERE id = $1", [id]);
    return rows[0] === undefined ? null : teamFromRow(rows[0]);
  }

  async findByName(name: string): Promise<TeamRecord | null> {
    const { rows } = await this.db.query("SELECT * FROM teams WHERE name = $1", [name]);
    return rows[0] === undefined ? null : teamFromRow(rows[0]);
  }

  async list(): Promise<TeamRecord[]> {
    const { rows } = await this.db.query("SELECT * FROM teams ORDER BY created_at, id");
    return rows.map(teamFromRow);
  }
}
