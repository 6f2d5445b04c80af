/**
 * Runs pending migrations in one transaction, recorded in `c8s_migrations`. An advisory
 * lock keeps two servers starting at once on the same PostgreSQL from racing.
 */
import { C8sError } from "../errors/index.ts";
import { MIGRATIONS, MIGRATIONS_TABLE, type Migration } from "./migrations.ts";
import type { SqlClient } from "./sql-client.ts";

/** Arbitrary constant: "c8s" in ASCII. */
const MIGRATION_LOCK_KEY = 0x633873;

export interface MigrationReport {
  applied: number[];
  current: number;
}

/** Which migrations still need running, in order; refuses a database newer than this code. */
export function pendingMigrations(appliedIds: number[], all: readonly Migration[] = MIGRATIONS): Migration[] {
  const known = new Set(all.map((m) => m.id));
  const unknown = appliedIds.filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new C8sError("STORE_ERROR", `the database has migrations this c8s does not know: ${unknown.join(", ")}`, {
      details: { unknown },
      hint: "The database was migrated by a newer c8s; upgrade c8s or point it at another database.",
    });
  const applied = new Set(appliedIds);
  return [...all].sort((a, b) => a.id - b.id).filter((m) => !applied.has(m.id));
}

export async function runMigrations(
  client: SqlClient,
  all: readonly Migration[] = MIGRATIONS,
): Promise<MigrationReport> {
  return client.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await tx.query<{ id: number }>(`SELECT id FROM ${MIGRATIONS_TABLE}`);
    const pending = pendingMigrations(
      rows.map((r) => Number(r.id)),
      all,
    );
    for (const migration of pending) {
      await tx.exec(migration.sql);
      await tx.query(`INSERT INTO ${MIGRATIONS_TABLE} (id, name) VALUES ($1, $2)`, [migration.id, migration.name]);
    }
    const current = Math.max(0, ...rows.map((r) => Number(r.id)), ...pending.map((m) => m.id));
    return { applied: pending.map((m) => m.id), current };
  });
}
