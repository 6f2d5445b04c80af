import { after } from "node:test";
import { openStore } from "../../../src/store/index.ts";
import { runsStoreSuite } from "../../fixtures/pipelines-server-store-suite.ts";
import { dropSchema, freshSchemaName, POSTGRES_SKIP_REASON, TEST_DATABASE_URL } from "../../fixtures/store-postgres.ts";

runsStoreSuite({ name: "PGlite", open: () => openStore() });

const url = TEST_DATABASE_URL;
const schema = freshSchemaName();
if (url !== undefined) after(() => dropSchema(url, schema));
runsStoreSuite({
  name: url === undefined ? `PostgreSQL (skipped: ${POSTGRES_SKIP_REASON})` : "PostgreSQL",
  ...(url === undefined ? { skip: POSTGRES_SKIP_REASON } : {}),
  open: () => openStore({ databaseUrl: url, schema }),
});
