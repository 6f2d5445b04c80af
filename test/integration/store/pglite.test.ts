import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { openStore } from "../../../src/store/index.ts";
import { runStoreSuite } from "../../fixtures/store-suite.ts";

runStoreSuite({ name: "PGlite in memory", open: () => openStore() });

const dir = await mkdtemp(join(tmpdir(), "c8s-store-"));
after(() => rm(dir, { recursive: true, force: true }));
runStoreSuite({
  name: "PGlite on disk",
  open: () => openStore({ dataDir: join(dir, "store") }),
  reopen: () => openStore({ dataDir: join(dir, "store") }),
});
