/** `c8s run`'s in-memory engine store passes the engine part of the one store suite. */
import { openMemoryEngineStore } from "../../../src/store/memory-store.ts";
import { runStoreSuite } from "../../fixtures/store-suite.ts";

runStoreSuite({ name: "in memory (engine only)", openEngine: () => openMemoryEngineStore() });
