/** SqlClient over a `pg` Pool, for `databaseUrl` (production PostgreSQL). */
import pg from "pg";
import { C8sError } from "../errors/index.ts";
import { translateDriverError } from "./driver-errors.ts";
import type { SqlClient, SqlParam, SqlResult } from "./sql-client.ts";

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

function wrapQueryable(db: Queryable): Pick<SqlClient, "query" | "exec"> {
  return {
    async query<Row>(sql: string, params: SqlParam[] = []): Promise<SqlResult<Row>> {
      try {
        const result = await db.query(sql, params);
        return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
      } catch (error) {
        throw translateDriverError(error, "run a query");
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await db.query(sql);
      } catch (error) {
        throw translateDriverError(error, "run statements");
      }
    },
  };
}

export interface PgClientOptions {
  /** Confines every connection to this schema (tests isolate themselves with one). */
  schema?: string;
  maxConnections?: number;
}

/** Arbitrary constant ("c8s" + 1), distinct from the migration lock. */
const SCHEMA_LOCK_KEY = 0x633874;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function createPgClient(databaseUrl: string, options: PgClientOptions = {}): Promise<SqlClient> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema))
    throw new C8sError("CONFIG_INVALID", `invalid PostgreSQL schema name: ${options.schema}`, {
      hint: "Use lowercase letters, digits and _ (at most 63 characters).",
    });
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const top = wrapQueryable(pool);
  const client: SqlClient = {
    ...top,
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      let conn: pg.PoolClient;
      try {
        conn = await pool.connect();
      } catch (error) {
        throw translateDriverError(error, "connect to the database");
      }
      const inner = wrapQueryable(conn);
      const tx: SqlClient = { ...inner, transaction: (nested) => nested(tx), close: async () => undefined };
      try {
        await inner.exec("BEGIN");
        const value = await fn(tx);
        await inner.exec("COMMIT");
        return value;
      } catch (error) {
        await conn.query("ROLLBACK").catch(() => undefined);
        throw translateDriverError(error, "commit a transaction");
      } finally {
        conn.release();
      }
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
  try {
    if (options.schema === undefined) await client.query("SELECT 1");
    else
      // Serialised: two servers creating the same schema at once would race on pg_namespace.
      await client.transaction(async (tx) => {
        await tx.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK_KEY]);
        await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
      });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return client;
}
