/** Sandbox templates over any SqlClient, keyed by (team, name); see templates-migration.ts. */
import { iso, json } from "./rows.ts";
import type { SqlClient } from "./sql-client.ts";

/** The create-sandbox fields a template presets (the engine validates them; the store keeps them as given). */
export interface TemplateSpec {
  image?: string;
  env?: Record<string, string>;
  network?: "none" | "host";
  limits?: { memoryBytes?: number; pids?: number; cpuMillis?: number; diskBytes?: number };
  workdir?: string;
  ttlMs?: number;
  idleTimeoutMs?: number;
}

export interface TemplateRecord {
  id: string;
  teamId: string;
  name: string;
  spec: TemplateSpec;
  /** Warm pool size: at least `min` started and ready, at most `max` (0/0: no pool). */
  pool: { min: number; max: number };
  createdAt: string;
  updatedAt: string;
}

export interface TemplateRepository {
  /** Inserts or replaces (team, name); keeps `id` and `createdAt` of an existing one. Returns what is stored. */
  put(record: TemplateRecord): Promise<TemplateRecord>;
  get(teamId: string, name: string): Promise<TemplateRecord | null>;
  getById(id: string): Promise<TemplateRecord | null>;
  /** Undefined `teamId`: every team's (installation admins). Ordered by team, then name. */
  list(teamId: string | undefined): Promise<TemplateRecord[]>;
  /** The templates with a warm pool (`pool.max > 0`), every team's. */
  listPooled(): Promise<TemplateRecord[]>;
  /** The deleted record, or null when there was none. */
  delete(teamId: string, name: string): Promise<TemplateRecord | null>;
}

function templateFromRow(row: Record<string, unknown>): TemplateRecord {
  return {
    id: String(row["id"]),
    teamId: String(row["team_id"]),
    name: String(row["name"]),
    spec: json<TemplateSpec>(row["spec"], {}),
    pool: { min: Number(row["pool_min"]), max: Number(row["pool_max"]) },
    createdAt: iso(row["created_at"]),
    updatedAt: iso(row["updated_at"]),
  };
}

export class SqlTemplateRepository implements TemplateRepository {
  constructor(private readonly db: SqlClient) {}

  async put(record: TemplateRecord): Promise<TemplateRecord> {
    const { rows } = await this.db.query(
      `INSERT INTO templates (id, team_id, name, spec, pool_min, pool_max, created_at, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::timestamptz, $8::timestamptz)
       ON CONFLICT (team_id, name) DO UPDATE
         SET spec = EXCLUDED.spec, pool_min = EXCLUDED.pool_min, pool_max = EXCLUDED.pool_max,
             updated_at = EXCLUDED.updated_at
       RETURNING *`,
      [
        record.id,
        record.teamId,
        record.name,
        JSON.stringify(record.spec),
        record.pool.min,
        record.pool.max,
        record.createdAt,
        record.updatedAt,
      ],
    );
    return templateFromRow(rows[0] as Record<string, unknown>);
  }

  async get(teamId: string, name: string): Promise<TemplateRecord | null> {
    const { rows } = await this.db.query("SELECT * FROM templates WHERE team_id = $1 AND name = $2", [teamId, name]);
    return rows[0] === undefined ? null : templateFromRow(rows[0]);
  }

  async getById(id: string): Promise<TemplateRecord | null> {
    const { rows } = await this.db.query("SELECT * FROM templates WHERE id = $1", [id]);
    return rows[0] === undefined ? null : templateFromRow(rows[0]);
  }

  async list(teamId: string | undefined): Promise<TemplateRecord[]> {
    const { rows } =
      teamId === undefined
        ? await this.db.query("SELECT * FROM templates ORDER BY team_id, name")
        : await this.db.query("SELECT * FROM templates WHERE team_id = $1 ORDER BY name", [teamId]);
    return rows.map(templateFromRow);
  }

  async listPooled(): Promise<TemplateRecord[]> {
    const { rows } = await this.db.query("SELECT * FROM templates WHERE pool_max > 0 ORDER BY team_id, name");
    return rows.map(templateFromRow);
  }

  async delete(teamId: string, name: string): Promise<TemplateRecord | null> {
    const { rows } = await this.db.query("DELETE FROM templates WHERE team_id = $1 AND name = $2 RETURNING *", [
      teamId,
      name,
    ]);
    return rows[0] === undefined ? null : templateFromRow(rows[0]);
  }
}
