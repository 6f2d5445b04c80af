/**
 * Encrypted secrets over any SqlClient, keyed by (team, name). Values arrive already
 * encrypted; names are listed, never values.
 */
import { iso, json } from "./rows.ts";
import type { SealedItem, SecretPolicyData, SecretRecord, SecretRepository } from "./runs-types.ts";
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

  async resealAll(
    reseal: (item: SealedItem, sealed: string) => string,
    check: { name: string; value: string },
  ): Promise<{ secrets: number; credentials: number; hooks: number }> {
    return this.db.transaction(async (tx) => {
      const secrets = await tx.query("SELECT team_id, name, ciphertext FROM secrets ORDER BY team_id, name FOR UPDATE");
      for (const row of secrets.rows) {
        const item: SealedItem = { kind: "secret", teamId: String(row["team_id"]), name: String(row["name"]) };
        await tx.query("UPDATE secrets SET ciphertext = $3 WHERE team_id = $1 AND name = $2", [
          item.teamId,
          item.name,
          reseal(item, String(row["ciphertext"])),
        ]);
      }
      const runs = await tx.query(
        "SELECT id, repo_url, repo_credential FROM runs WHERE repo_credential IS NOT NULL ORDER BY id FOR UPDATE",
      );
      for (const row of runs.rows) {
        const item: SealedItem = {
          kind: "repo-credential",
          runId: String(row["id"]),
          repoUrl: String(row["repo_url"]),
        };
        await tx.query("UPDATE runs SET repo_credential = $2 WHERE id = $1", [
          item.runId,
          reseal(item, String(row["repo_credential"])),
        ]);
      }
      const hooks = await tx.query("SELECT id, secret_ciphertext FROM hooks ORDER BY id FOR UPDATE");
      for (const row of hooks.rows) {
        const item: SealedItem = { kind: "hook", hookId: String(row["id"]) };
        await tx.query("UPDATE hooks SET secret_ciphertext = $2 WHERE id = $1", [
          item.hookId,
          reseal(item, String(row["secret_ciphertext"])),
        ]);
      }
      await tx.query(
        `INSERT INTO c8s_settings (name, value) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [check.name, check.value],
      );
      return { secrets: secrets.rows.length, credentials: runs.rows.length, hooks: hooks.rows.length };
    });
  }
}
