/**
 * Replica leases and the run queue claim (issue 16) on the real store: PGlite in memory
 * always, PostgreSQL when C8S_TEST_DATABASE_URL is set (two stores = two connection pools on
 * one schema, as two replicas have). Recovery touches only runs of replicas whose lease is
 * gone; two replicas claiming the same queue never both start one run.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { C8sError } from "../../../src/errors/index.ts";
import { acquireReplicaLease } from "../../../src/server/replica-lease.ts";
import { openStore, type ReplicaRecord, type Store } from "../../../src/store/index.ts";
import { dropSchema, freshSchemaName, POSTGRES_SKIP_REASON, TEST_DATABASE_URL } from "../../fixtures/store-postgres.ts";
import { runRecord } from "../../fixtures/pipelines-server-store-suite.ts";
import { uniqueId } from "../../fixtures/store-suite.ts";

const url = TEST_DATABASE_URL;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function replica(owner = uniqueId("owner")) {
  return { id: uniqueId("r"), owner, host: "test-host", pid: 4242 };
}

function leaseCases(name: string, open: () => Promise<[Store, Store]>, skip?: string): void {
  void describe(`replica leases: ${name}`, { ...(skip === undefined ? {} : { skip }), timeout: 180_000 }, () => {
    let stores: [Store, Store] | undefined;
    const both = async (): Promise<[Store, Store]> => (stores ??= await open());
    after(async () => {
      if (stores) await Promise.all(stores.map((s) => s.close()));
    });

    void it("recovery fails only the runs of replicas whose lease is gone, never a live one's", async () => {
      const [a, b] = await both();
      const live = replica();
      const dead = replica();
      await a.replicas.register(live, 60_000);
      await a.replicas.register(dead, 1);
      await sleep(20);
      const mine = runRecord();
      const theirs = runRecord();
      const unowned = runRecord({ state: "running" });
      await a.runs.insert(mine);
      await a.runs.insert(theirs);
      await a.runs.insert(unowned);
      assert.ok(await a.runs.claim(mine.id, live.id, new Date().toISOString()));
      assert.ok(await a.runs.claim(theirs.id, dead.id, new Date().toISOString()));
      assert.equal(await b.runs.ownerReplica(mine.id), live.id);

      const interrupted = await b.runs.interruptOrphaned("interrupted", new Date().toISOString());
      assert.ok(interrupted.includes(theirs.id));
      assert.ok(interrupted.includes(unowned.id));
      assert.ok(!interrupted.includes(mine.id));
      assert.equal((await b.runs.get(mine.id))?.state, "running");
      assert.equal((await b.runs.get(theirs.id))?.reason, "interrupted");

      // The expired lease is adopted by exactly one of the two.
      const [ca, cb] = await Promise.all([a.replicas.claimExpired(16), b.replicas.claimExpired(16)]);
      const claimed = [...ca, ...cb].filter((r) => r.id === dead.id);
      assert.equal(claimed.length, 1);
      assert.equal(claimed[0]?.owner, dead.owner);
      assert.ok(!(await a.replicas.list()).some((r) => r.id === dead.id));
      // A released lease leaves its runs to recovery too.
      assert.equal(await a.replicas.heartbeat(live.id, 60_000), true);
      assert.equal(await a.replicas.release(live.id), true);
      assert.equal(await a.replicas.heartbeat(live.id, 60_000), false);
      assert.ok((await b.runs.interruptOrphaned("interrupted", new Date().toISOString())).includes(mine.id));
    });

    void it("two replicas claiming one queue never both start a run", async () => {
      const [a, b] = await both();
      const ra = replica();
      const rb = replica();
      await a.replicas.register(ra, 60_000);
      await b.replicas.register(rb, 60_000);
      const runs = Array.from({ length: 40 }, () => runRecord());
      for (const r of runs) await a.runs.insert(r);
      const at = new Date().toISOString();
      // Each replica tries every run, interleaved.
      const results = await Promise.all(
        runs.flatMap((r) => [
          a.runs.claim(r.id, ra.id, at).then((got) => ({ id: r.id, by: got ? ra.id : null })),
          b.runs.claim(r.id, rb.id, at).then((got) => ({ id: r.id, by: got ? rb.id : null })),
        ]),
      );
      for (const r of runs) {
        const winners = results.filter((x) => x.id === r.id && x.by !== null);
        assert.equal(winners.length, 1, `run ${r.id} claimed ${winners.length} times`);
        assert.equal(await a.runs.ownerReplica(r.id), winners[0]?.by);
        assert.equal((await b.runs.get(r.id))?.state, "running");
      }
      await a.replicas.release(ra.id);
      await b.replicas.release(rb.id);
    });
  });
}

const quiet = { warn: () => undefined, error: () => undefined };

void describe("replica lease (acquireReplicaLease) on PGlite", { timeout: 180_000 }, () => {
  let store: Store | undefined;
  after(() => store?.close());

  void it("refuses a second live server on the same home, takes over a dead or expired one's lease", async () => {
    store ??= await openStore({});
    const owner = uniqueId("owner");
    // A live process on this host holding the same owner label: refused.
    await store.replicas.register({ id: uniqueId("r"), owner, host: hostname(), pid: process.ppid }, 60_000);
    await assert.rejects(
      acquireReplicaLease({ store, owner, logger: quiet }),
      (error: unknown) => error instanceof C8sError && error.code === "REPLICA_CONFLICT",
    );
    await Promise.all((await store.replicas.list()).map((r) => store?.replicas.release(r.id)));
    // A dead process (its pid is gone) or an expired lease: taken over at once.
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
    await store.replicas.register({ id: uniqueId("r"), owner, host: hostname(), pid: dead }, 60_000);
    await store.replicas.register({ id: uniqueId("r"), owner, host: "elsewhere", pid: 1 }, 1);
    await sleep(10);
    const lease = await acquireReplicaLease({ store, owner, leaseMs: 60_000, logger: quiet });
    assert.deepEqual(
      (await store.replicas.list()).filter((r) => r.owner === owner).map((r) => r.id),
      [lease.id],
    );
    await lease.release();
    assert.deepEqual(
      (await store.replicas.list()).filter((r) => r.owner === owner),
      [],
    );
  });

  void it("each beat renews the lease, adopts each expired lease once, and re-registers a lost one", async () => {
    store ??= await openStore({});
    const lease = await acquireReplicaLease({ store, owner: uniqueId("owner"), leaseMs: 60_000, logger: quiet });
    const adopted: ReplicaRecord[] = [];
    let afters = 0;
    let lost = 0;
    lease.run({
      lost: async () => {
        lost++;
      },
      adopt: async (r) => {
        adopted.push(r);
      },
      after: async () => {
        afters++;
      },
    });
    const dead = replica();
    await store.replicas.register(dead, 1);
    await sleep(10);
    await lease.beat();
    await lease.beat();
    assert.deepEqual(
      adopted.map((r) => r.id),
      [dead.id],
    );
    assert.ok(afters >= 2);
    // Its row removed (adopted by someone while it stalled): the next beat takes a new lease.
    await store.replicas.release(lease.id);
    await lease.beat();
    assert.ok((await store.replicas.list()).some((r) => r.id === lease.id && r.live));
    assert.equal(lost, 1);
    await lease.stopAdopting();
    await lease.release();
    assert.ok(!(await store.replicas.list()).some((r) => r.id === lease.id));
  });
});

leaseCases("PGlite (one connection)", async () => {
  const store = await openStore({});
  return [store, store];
});

const schema = freshSchemaName();
if (url !== undefined) after(() => dropSchema(url, schema));
leaseCases(
  url === undefined ? `PostgreSQL (skipped: ${POSTGRES_SKIP_REASON})` : "PostgreSQL (two pools)",
  async () => {
    const a = await openStore({ databaseUrl: url, schema });
    return [a, await openStore({ databaseUrl: url, schema })];
  },
  url === undefined ? POSTGRES_SKIP_REASON : undefined,
);
