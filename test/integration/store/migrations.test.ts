/** Migrations run in one transaction: a failing one leaves nothing behind (PGlite and PostgreSQL). */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { isC8sError } from "../../../src/errors/index.ts";
import { runMigrations } from "../../../src/store/migrate.ts";
import { MIGRATIONS } from "../../../src/store/migrations.ts";
import { createPgClient } from "../../../src/store/pg-client.ts";
import { createPgliteClient } from "../../../src/store/pglite-client.ts";
import type { SqlClient } from "../../../src/store/sql-client.ts";
import { dropSchema, freshSchemaName, POSTGRES_SKIP_REASON, TEST_DATABASE_URL } from "../../fixtures/store-postgres.ts";

const GOOD = { id: 1, name: "one", sql: "CREATE TABLE alpha (id int PRIMARY KEY); INSERT INTO alpha VALUES (1);" };
const BROKEN = { id: 2, name: "two", sql: "CREATE TABLE beta (id int); INSERT INTO no_such_table VALUES (1);" };
const FIXED = { id: 2, name: "two", sql: "CREATE TABLE beta (id int);" };

async function tableExists(db: SqlClient, name: string): Promise<boolean> {
  const { rows } = await db.query<{ n: unknown }>(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = $1 AND table_schema = current_schema()",
    [name],
  );
  return Number(rows[0]?.n) > 0;
}

function migrationCases(name: string, open: () => Promise<SqlClient>, skip: string | false): void {
  void describe(`migrations on ${name}`, { skip }, () => {
    void it("apply in order, record themselves, and roll back entirely when one fails", async () => {
      const db = await open();
      try {
        assert.deepEqual(await runMigrations(db, [GOOD]), { applied: [1], current: 1 });
        await assert.rejects(
          runMigrations(db, [GOOD, BROKEN]),
          (e: unknown) => isC8sError(e) && e.code === "STORE_ERROR",
        );
        assert.equal(await tableExists(db, "beta"), false, "the failed migration's first statement was rolled back");
        const { rows } = await db.query<{ id: number }>("SELECT id FROM c8s_migrations ORDER BY id");
        assert.deepEqual(
          rows.map((r) => Number(r.id)),
          [1],
        );
        assert.deepEqual(await runMigrations(db, [GOOD, FIXED]), { applied: [2], current: 2 });
        assert.deepEqual(await runMigrations(db, [GOOD, FIXED]), { applied: [], current: 2 });
        assert.equal(await tableExists(db, "beta"), true);
      } finally {
        await db.close();
      }
    });

    void it("migration 3 keys old webhook deliveries by their id and redacts credentials in old run URLs", async () => {
      const db = await open();
      try {
        await runMigrations(
          db,
          MIGRATIONS.filter((m) => m.id < 3),
        );
        await db.query(
          "INSERT INTO webhook_deliveries (provider, delivery_id, run_id, received_at) VALUES ('github', 'd-1', 'run_a', now())",
        );
        const legacy: [string, string][] = [
          ["run_cred", "https://user:p@ss@git.example:8443/team/repo.git"],
          ["run_token", "HTTPS://tok3n@git.example/repo.git"],
          ["run_plain", "https://git.example/repo.git?x=a@b"],
          ["run_ssh", "ssh://git@git.example/repo.git"],
        ];
        for (const [id, url] of legacy)
          await db.query(
            `INSERT INTO runs (id, pipeline, state, repo_url, ref, event, trigger, created_at, pipeline_path, pipeline_yaml)
             VALUES ($1, 'p', 'succeeded', $2, 'main', 'push', '{}'::jsonb, now(), $3, 'read through a symlink')`,
            [id, url, id === "run_ssh" ? null : ".c8s.yaml"],
          );
        await runMigrations(db, MIGRATIONS);
        const { rows } = await db.query<{ payload_key: string; delivery_id: string; run_id: string }>(
          "SELECT payload_key, delivery_id, run_id FROM webhook_deliveries",
        );
        assert.deepEqual(rows, [{ payload_key: "delivery-id:d-1", delivery_id: "d-1", run_id: "run_a" }]);
        await db.query(
          "INSERT INTO webhook_deliveries (provider, payload_key, received_at) VALUES ('github', 'sha256:ab', now())",
        );
        const urls = await db.query<{ id: string; repo_url: string; repo_credential: string | null }>(
          "SELECT id, repo_url, repo_credential, pipeline_yaml FROM runs ORDER BY id",
        );
        const none = { repo_credential: null, pipeline_yaml: null };
        assert.deepEqual(urls.rows, [
          { id: "run_cred", repo_url: "https://***@git.example:8443/team/repo.git", ...none },
          { id: "run_plain", repo_url: "https://git.example/repo.git?x=a@b", ...none },
          {
            id: "run_ssh",
            repo_url: "ssh://git@git.example/repo.git",
            ...none,
            pipeline_yaml: "read through a symlink",
          },
          { id: "run_token", repo_url: "HTTPS://***@git.example/repo.git", ...none },
        ]);
      } finally {
        await db.close();
      }
    });

    void it("migration 5 puts what existed in the default team and maps old scopes to roles", async () => {
      const db = await open();
      try {
        await runMigrations(
          db,
          MIGRATIONS.filter((m) => m.id < 5),
        );
        for (const [id, scopes] of [
          ["tok_admin", '["admin"]'],
          ["tok_user", '["sandboxes"]'],
        ] as const)
          await db.query(
            "INSERT INTO tokens (id, name, hash, scopes, created_at) VALUES ($1, $1, $1, $2::jsonb, now())",
            [id, scopes],
          );
        await db.query(
          "INSERT INTO secrets (name, ciphertext, created_at, updated_at) VALUES ('DEPLOY', 'v1:x', now(), now())",
        );
        await runMigrations(db, MIGRATIONS);
        const tokens = await db.query("SELECT id, team_id, role, scopes, expires_at FROM tokens ORDER BY id");
        assert.deepEqual(tokens.rows, [
          { id: "tok_admin", team_id: "default", role: "admin", scopes: [], expires_at: null },
          { id: "tok_user", team_id: "default", role: "member", scopes: [], expires_at: null },
        ]);
        const secrets = await db.query("SELECT team_id, name FROM secrets");
        assert.deepEqual(secrets.rows, [{ team_id: "default", name: "DEPLOY" }]);
        // Two teams may now hold a secret of the same name.
        await db.query(
          "INSERT INTO secrets (team_id, name, ciphertext, created_at, updated_at) VALUES ('other', 'DEPLOY', 'v1:y', now(), now())",
        );
        const teams = await db.query("SELECT id, name FROM teams");
        assert.deepEqual(teams.rows, [{ id: "default", name: "default" }]);
      } finally {
        await db.close();
      }
    });

    void it("a transaction commits on success and rolls back on a throw", async () => {
      const db = await open();
      try {
        await db.exec("CREATE TABLE IF NOT EXISTS gamma (v int)");
        await db.transaction(async (tx) => {
          await tx.query("INSERT INTO gamma VALUES ($1)", [1]);
        });
        await assert.rejects(
          db.transaction(async (tx) => {
            await tx.query("INSERT INTO gamma VALUES ($1)", [2]);
            throw new Error("changed my mind");
          }),
        );
        const { rows } = await db.query<{ v: number }>("SELECT v FROM gamma ORDER BY v");
        assert.deepEqual(
          rows.map((r) => r.v),
          [1],
        );
      } finally {
        await db.close();
      }
    });
  });
}

migrationCases("PGlite", () => createPgliteClient(undefined), false);

const url = TEST_DATABASE_URL;
const schemas: string[] = [];
after(async () => {
  if (url !== undefined) for (const schema of schemas) await dropSchema(url, schema);
});
migrationCases(
  "PostgreSQL",
  () => {
    const schema = freshSchemaName();
    schemas.push(schema);
    return createPgClient(url as string, { schema });
  },
  url === undefined ? POSTGRES_SKIP_REASON : false,
);
