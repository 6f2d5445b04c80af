import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { openStore } from "../../../src/store/index.ts";
import { dropSchema, freshSchemaName, POSTGRES_SKIP_REASON, TEST_DATABASE_URL } from "../../fixtures/store-postgres.ts";
import { runStoreSuite, sandboxRecord } from "../../fixtures/store-suite.ts";

const url = TEST_DATABASE_URL;
const schema = freshSchemaName();
if (url !== undefined) after(() => dropSchema(url, schema));

runStoreSuite({
  name: url === undefined ? `PostgreSQL (skipped: ${POSTGRES_SKIP_REASON})` : "PostgreSQL",
  ...(url === undefined ? { skip: POSTGRES_SKIP_REASON } : {}),
  open: () => openStore({ databaseUrl: url, schema }),
  reopen: () => openStore({ databaseUrl: url, schema }),
});

void describe(
  "PostgreSQL: several servers starting at once",
  { skip: url === undefined ? POSTGRES_SKIP_REASON : false },
  () => {
    const shared = freshSchemaName();
    after(() => (url === undefined ? undefined : dropSchema(url, shared)));

    void it("migrate the same fresh schema exactly once between them", async () => {
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => openStore({ databaseUrl: url, schema: shared })),
      );
      try {
        await Promise.all(stores.map((s) => s.migrate()));
        const first = stores[0];
        assert.ok(first !== undefined);
        const record = sandboxRecord();
        await first.sandboxes.insert(record);
        for (const s of stores) assert.equal((await s.sandboxes.get(record.id))?.id, record.id);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });
  },
);
