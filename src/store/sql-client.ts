/**
 * The tiny SQL surface the repositories are written against. Two thin adapters implement
 * it (PGlite, pg); no driver type crosses this line.
 */
export type SqlParam = string | number | boolean | null;

export interface SqlResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface SqlClient {
  /** One parameterised statement ($1, $2, …). */
  query<Row = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<SqlResult<Row>>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
