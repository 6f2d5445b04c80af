/** SqlClient over embedded PGlite: a data directory under the c8s home, or in memory. */
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { translateDriverError } from "./driver-errors.ts";
import type { SqlClient, SqlParam, SqlResult } from "./sql-client.ts";

interface PgliteLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
}

function wrap(db: PgliteLike, inTransaction: boolean, root: PGlite): SqlClient {
  return {
    async query<Row>(sql: string, params: SqlParam[] = []): Promise<SqlResult<Row>> {
      try {
        const result = await db.query<Row>(sql, params);
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      } catch (error) {
        throw translateDriverError(error, "run a query");
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await db.exec(sql);
      } catch (error) {
        throw translateDriverError(error, "run statements");
      }
    },
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      if (inTransaction) return fn(this);
      try {
        return await root.transaction((tx) => fn(wrap(tx, true, root)));
      } catch (error) {
        throw translateDriverError(error, "commit a transaction");
      }
    },
    async close(): Promise<void> {
      if (!inTransaction && !root.closed) await root.close();
    },
  };
}

/** `dataDir` undefined → in memory (tests). */
export async function createPgliteClient(dataDir: string | undefined): Promise<SqlClient> {
  try {
    if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
    const db = dataDir === undefined ? await PGlite.create() : await PGlite.create(dataDir);
    return wrap(db, false, db);
  } catch (error) {
    throw translateDriverError(error, `open the embedded database${dataDir === undefined ? "" : ` at ${dataDir}`}`);
  }
}
