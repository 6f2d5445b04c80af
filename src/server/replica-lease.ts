/**
 * This server process's replica lease (issue 16): a random id per process, registered in the
 * store's `replicas` table with the engine's owner label, host and pid, and a heartbeat every
 * `heartbeatMs` that pushes the expiry `leaseMs` forward. Other replicas' recovery touches
 * only work whose owner's lease is gone; a graceful shutdown releases the lease.
 *
 * At start-up (`acquireReplicaLease`) a lease of the same owner label (the same home on the
 * same host) is a predecessor: taken over when it expired or its process is gone, otherwise
 * the start is refused (two servers on one home would destroy each other's sandboxes).
 *
 * Heartbeats start at acquisition; after `run(tick)` each beat also adopts expired leases — `tick.adopt` gets
 * each one exactly once across all replicas — and then calls `tick.after` (orphaned-run
 * recovery, dispatch of runs queued on other replicas).
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { C8sError } from "../errors/index.ts";
import type { ReplicaRecord, Store } from "../store/index.ts";

export const DEFAULT_LEASE_MS = 15_000;

export interface LeaseLogger {
  warn(data: Record<string, unknown>, message: string): void;
  error(data: Record<string, unknown>, message: string): void;
}

export interface ReplicaTick {
  /** Another replica's lease expired and this one removed it: adopt its work. */
  adopt(replica: ReplicaRecord): Promise<void>;
  /** After every beat. */
  after?(): Promise<void>;
  /**
   * This replica's lease was found adopted (its heartbeat stalled past the lease): its runs
   * were failed and its sandboxes ended by another replica. Stop what still executes here.
   */
  lost?(): Promise<void>;
}

export interface ReplicaLease {
  readonly id: string;
  readonly leaseMs: number;
  /** Starts adopting expired leases on each heartbeat (heartbeats run from acquisition until `release`). */
  run(tick: ReplicaTick): void;
  /** Stops adopting (shutdown: the engine and runs are closing); heartbeats go on until `release`. */
  stopAdopting(): Promise<void>;
  /** Runs one beat now (tests, and a prompt first adoption after start-up). */
  beat(): Promise<void>;
  /** Stops heartbeats and drops the lease. Idempotent. */
  release(): Promise<void>;
}

export function newReplicaId(): string {
  return `r-${randomBytes(9).toString("hex")}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether a lease of this host and owner label belongs to a server that still runs. */
export function predecessorAlive(replica: ReplicaRecord, self: { host: string; pid: number }): boolean {
  if (!replica.live) return false;
  if (replica.host !== self.host) return true; // the same label from another host: never guess
  if (replica.pid === self.pid) return false; // a previous incarnation with our pid (pid 1 in a container)
  return processAlive(replica.pid);
}

export async function acquireReplicaLease(options: {
  store: Store;
  owner: string;
  leaseMs?: number;
  heartbeatMs?: number;
  logger: LeaseLogger;
}): Promise<ReplicaLease> {
  const { store, owner, logger } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const heartbeatMs = options.heartbeatMs ?? Math.max(100, Math.floor(leaseMs / 3));
  const self = { id: newReplicaId(), owner, host: hostname(), pid: process.pid };

  for (const other of (await store.replicas.list()).filter((r) => r.owner === owner)) {
    if (predecessorAlive(other, self))
      throw new C8sError("REPLICA_CONFLICT", "another c8s server is running with this C8S_HOME on this host", {
        details: { replica: other.id, pid: other.pid, expiresAt: other.expiresAt },
        hint: "Give every replica its own C8S_HOME (they share the database), or stop the other server first.",
      });
    // A crashed predecessor: its sandboxes are this engine's start-up reconciliation's.
    if (await store.replicas.release(other.id))
      logger.warn({ replica: other.id, pid: other.pid }, "took over the lease of a previous server on this home");
  }
  await store.replicas.register(self, leaseMs);

  let tick: ReplicaTick | undefined;
  let beating: Promise<void> | undefined;
  let released: Promise<void> | undefined;

  const beatOnce = async (): Promise<void> => {
    if (released !== undefined) return;
    const current = tick;
    if (!(await store.replicas.heartbeat(self.id, leaseMs))) {
      // Too slow a heartbeat: another replica adopted this one's work. Take a new lease.
      logger.error({ replica: self.id }, "this replica's lease expired and was adopted by another replica");
      await store.replicas.register(self, leaseMs);
      const lost = current?.lost?.();
      void lost?.catch((error: unknown) => logger.warn({ error: String(error) }, "could not stop the adopted work"));
    }
    if (current === undefined) return;
    for (const expired of await store.replicas.claimExpired(16)) {
      if (released !== undefined) return;
      await current
        .adopt(expired)
        .catch((error: unknown) =>
          logger.error({ replica: expired.id, error: String(error) }, "could not adopt an expired replica's work"),
        );
    }
    if (released === undefined && tick !== undefined) await current.after?.();
  };
  const beat = (): Promise<void> =>
    (beating ??= beatOnce()
      .catch((error: unknown) => logger.warn({ error: String(error) }, "replica heartbeat failed"))
      .finally(() => (beating = undefined)));

  // Heartbeats from now on (a slow start-up must not lose the lease); adoption once `run`.
  const timer = setInterval(() => void beat(), heartbeatMs);
  timer.unref();

  return {
    id: self.id,
    leaseMs,
    run(next) {
      tick = next;
    },
    beat,
    async stopAdopting() {
      tick = undefined;
      await beating;
    },
    release: () =>
      (released ??= (async () => {
        clearInterval(timer);
        await beating;
        await store.replicas.release(self.id).catch(() => undefined);
      })()),
  };
}
