/** One numbered schema migration (plain PostgreSQL that PGlite runs too); the list is in `migrations.ts`. */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}
