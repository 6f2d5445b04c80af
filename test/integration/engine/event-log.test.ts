/** The lifecycle event log over a real store: stored-then-live streams with no gap or duplicate. */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { EventLog, silentLogger, systemClock } from "../../../src/engine/index.ts";
import { openStore, type SandboxEvent, type Store } from "../../../src/store/index.ts";
import { dropSchema, freshSchemaName, POSTGRES_SKIP_REASON, TEST_DATABASE_URL } from "../../fixtures/store-postgres.ts";
import { uniqueId } from "../../fixtures/store-suite.ts";

async function take(
  stream: AsyncIterable<SandboxEvent>,
  count: number,
  controller: AbortController,
): Promise<SandboxEvent[]> {
  const seen: SandboxEvent[] = [];
  for await (const event of stream) {
    seen.push(event);
    if (seen.length === count) controller.abort();
  }
  return seen;
}

void describe("EventLog on PGlite", () => {
  let store: Store;
  after(() => store?.close());

  void it("a reader joining mid-burst gets every event exactly once, in seq order", { timeout: 60_000 }, async () => {
    store = await openStore();
    const log = new EventLog(store.events, systemClock, silentLogger);
    const sandboxId = uniqueId("sbx");
    const emits: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) emits.push(log.emit(sandboxId, "exec.finished", { i }));
    const controller = new AbortController();
    const reading = take(log.stream({ sandboxId, signal: controller.signal }), 80, controller);
    for (let i = 40; i < 80; i++) emits.push(log.emit(sandboxId, "exec.finished", { i }));
    await Promise.all(emits);
    const seen = await reading;
    assert.deepEqual(
      seen.map((e) => e.data["i"]),
      Array.from({ length: 80 }, (_, i) => i),
    );
    assert.deepEqual(seen, await store.events.list({ sandboxId }));
  });

  void it("filters by sandbox and resumes after a seq", { timeout: 60_000 }, async () => {
    const log = new EventLog(store.events, systemClock, silentLogger);
    const a = uniqueId("sbx");
    const b = uniqueId("sbx");
    const first = await log.emit(a, "sandbox.created");
    await log.emit(b, "sandbox.created");
    await log.emit(a, "sandbox.started");
    const controller = new AbortController();
    const seen = await take(
      log.stream({ sandboxId: a, afterSeq: first?.seq ?? 0, signal: controller.signal }),
      1,
      controller,
    );
    assert.deepEqual(
      seen.map((e) => [e.sandboxId, e.type]),
      [[a, "sandbox.started"]],
    );
  });
});

void describe(
  "EventLog on a shared PostgreSQL",
  { skip: TEST_DATABASE_URL === undefined ? POSTGRES_SKIP_REASON : false },
  () => {
    const url = TEST_DATABASE_URL as string;
    const schema = freshSchemaName();
    after(() => dropSchema(url, schema));

    void it("a stream on one server sees events another server appends", { timeout: 60_000 }, async () => {
      const one = await openStore({ databaseUrl: url, schema });
      const two = await openStore({ databaseUrl: url, schema });
      try {
        const reader = new EventLog(one.events, systemClock, silentLogger, 50);
        const writer = new EventLog(two.events, systemClock, silentLogger);
        const sandboxId = uniqueId("sbx");
        const controller = new AbortController();
        const reading = take(reader.stream({ sandboxId, signal: controller.signal }), 3, controller);
        for (const type of ["sandbox.created", "sandbox.started", "sandbox.ready"] as const)
          await writer.emit(sandboxId, type);
        assert.deepEqual(
          (await reading).map((e) => e.type),
          ["sandbox.created", "sandbox.started", "sandbox.ready"],
        );
      } finally {
        await one.close();
        await two.close();
      }
    });
  },
);
