/** Encrypted secrets over any SqlClient. Values arrive already encrypted; names are listed, never values. */
import { iso } from "./rows.ts";
import type { SecretRecord, SecretRepository } from "./runs-types.ts";
import type { SqlClient } from "./sql-client.ts";

export class SqlSecretRepository implements SecretRepository {
  constructor(private readonly db: SqlClient) {}

  async put(record: SecretRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO secrets (name, ciphertext, created_at, updated_at) VALUES ($1, $2, $3::timestamptz, $4::timestamptz)
       ON CONFLICT (name) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, updated_at = EXCLUDED.updated_at`,
      [record.name, record.ciphertext, record.createdAt, record.updatedAt],
    );
  }

  async get(name: string): Promise<SecretRecord | null> {
    const { rows } = await this.db.query("SELECT * FROM secrets WHERE name = $1", [name]);
    const row = rows[0];
    if (row === undefined) return null;
    return {
      name: String(row["name"]),
      ciphertext: String(row["ciphertext"]),
      createdAt: iso(row["created_at"]),
      updatedAt: iso(row["updated_at"]),
    };
  }

  async list(): Promise<Omit<SecretRecord, "ciphertext">[]> {
    const { rows } = await this.db.query("SELECT name, created_at, updated_at FROM secrets ORDER BY name");
    return rows.map((row) => ({
      name: String(row["name"]),
      createdAt: iso(row["created_at"]),
      updatedAt: iso(row["updated_at"]),
    }));
  }

  async delete(name: string): Promise<boolean> {
    const { rowCount } = await this.db.query("DELETE FROM secrets WHERE name = $1", [name]);
    return rowCount > 0;
  }
}
