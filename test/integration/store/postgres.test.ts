import { after } from "node:test";
import { openStore } from "../../../src/store/index.ts";
import { dropSchema, freshSchemaName, POSTGRES_SKIP_REASON, TEST_DATABASE_URL } from "../../fixtures/store-postgres.ts";
import { runStoreSuite } from "../../fixtures/store-suite.ts";

const url = TEST_DATABASE_URL;
const schema = freshSchemaName();
if (url !== undefined) after(() => dropSchema(url, schema));

runStoreSuite({
  name: url === undefined ? `PostgreSQL (skipped: ${POSTGRES_SKIP_REASON})` : "PostgreSQL",
  ...(url === undefined ? { skip: POSTGRES_SKIP_REASON } : {}),
  open: () => openStore({ databaseUrl: url, schema }),
  reopen: () => openStore({ databaseUrl: url, schema }),
});
