/**
 * Encrypted secrets over any SqlClient, keyed by (team, name). Values arrive already
 * encrypted; names are listed, never values.
 */
import { iso, json } from "./rows.ts";
import type { SecretPolicyData, SecretRecord, SecretRepository } from "./runs-types.ts";
import type { SqlClient } from "./sql-client.ts";

type SecretInfo = Omit<SecretRecord, "ciphertext">;

function infoFromRow(row: Record<string, unknown>): SecretInfo {
  return {
    teamId: String(row["team_id"]),
    name: String(row["name"]),
    policy: json<SecretPolicyData | null>(row["policy"], null),
    createdAt: iso(row["created_at"]),
    updatedAt: iso(row["updated_at"]),
  };
}

export class SqlSecretRepository implements SecretRepository {
  constructor(private readonly db: SqlClient) {}

  async put(record: SecretRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO secrets (team_id, name, ciphertext, policy, created_at, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5::timestamptz, $6::timestamptz)
       ON CONFLICT (team_id, name) DO UPDATE
         SET ciphertext = EXCLUDED.ciphertext, policy = EXCLUDED.policy, updated_at = EXCLUDED.updated_at`,
      [
        record.teamId,
        record.name,
        record.ciphertext,
        record.policy === null ? null : JSON.stringify(record.policy),
        record.createdAt,
        record.updatedAt,
      ],
    );
  }

  async get(teamId: string, name: string): Promise<SecretRecord | null> {
    const { rows } = await this.db.query("SELECT * FROM secrets WHERE team_id = $1 AND name = $2", [teamId, name]);
    const row = rows[0];
    if (row === undefined) return null;
    return { ...infoFromRow(row), ciphertext: String(row["ciphertext"]) };
  }

  async list(teamId: string | undefined): Promise<SecretInfo[]> {
    const { rows } =
      teamId === undefined
        ? await this.db.query(
            "SELECT team_id, name, policy, created_at, updated_at FROM secrets ORDER BY name, team_id",
          )
        : await this.db.query(
            "SELECT team_id, name, policy, created_at, updated_at FROM secrets WHERE team_id = $1 ORDER BY name",
            [teamId],
          );
    return rows.map(infoFromRow);
  }

  async delete(teamId: string, name: string): Promise<boolean> {
    const { rowCount } = await this.db.query("DELETE FROM secrets WHERE team_id = $1 AND name = $2", [teamId, name]);
    return rowCount > 0;
  }
}
