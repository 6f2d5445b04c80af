import { SqlStore } from "./sql-store.ts";
import type { Store } from "./types.ts";

export interface OpenStoreOptions {
  /** postgres://… → PostgreSQL through a connection pool. */
  databaseUrl?: string | undefined;
  /** Embedded PGlite data directory (e.g. `<home>/store`). Neither given → PGlite in memory. */
  dataDir?: string | undefined;
  /** PostgreSQL only: keep every table in this schema (created if missing). Tests isolate with it. */
  schema?: string | undefined;
  /** Run pending migrations before returning (default true). */
  migrate?: boolean;
}

/** Opens the store the configuration asks for and brings its schema up to date. Only that driver is loaded. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const store =
    options.databaseUrl !== undefined
      ? new SqlStore(
          "postgres",
          await (
            await import("./pg-client.ts")
          ).createPgClient(options.databaseUrl, options.schema === undefined ? {} : { schema: options.schema }),
        )
      : new SqlStore("pglite", await (await import("./pglite-client.ts")).createPgliteClient(options.dataDir));
  if (options.migrate !== false) {
    try {
      await store.migrate();
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }
  return store;
}
