/**
 * Start-up reconciliation: whatever a crash left behind is removed. Every store record of
 * this owner that is not terminated, and every sandbox the runtime still has for this owner,
 * is destroyed; the records say `interrupted` and their running execs `killed`. The same
 * runs for a dead replica's owner label when another replica adopts its work (`foreign`).
 */
import type { Runtime, SandboxHandle } from "../runtimes/types.ts";
import type { EngineStore } from "../store/types.ts";
import type { Clock, Logger } from "./clock.ts";
import type { EventLog } from "./event-log.ts";
import { ACTIVE_STATES, legalSources } from "./state-machine.ts";

export interface ReconcileReport {
  /** Records that were active and are now terminated/interrupted. */
  interrupted: string[];
  /** Runtime leftovers with no active record, destroyed. */
  orphansRemoved: string[];
  /** Ids whose clean-up failed (left in `stopping` for the next start to retry). */
  failed: { id: string; message: string }[];
}

export const INTERRUPTED_MESSAGE = "the c8s server stopped while this sandbox ran; it was removed at the next start";

export async function reconcile(deps: {
  runtime: Runtime;
  store: EngineStore;
  owner: string;
  events: EventLog;
  clock: Clock;
  logger: Logger;
  /**
   * Adopting another (dead) server's sandboxes: destroy only what this runtime lists for that
   * owner, never a recorded handle (on the local runtime it names another host's processes
   * and directories); the records are ended either way.
   */
  foreign?: boolean;
}): Promise<ReconcileReport> {
  const { runtime, store, owner, events, clock, logger } = deps;
  const iso = (): string => new Date(clock.now()).toISOString();
  const report: ReconcileReport = { interrupted: [], orphansRemoved: [], failed: [] };
  const records = await store.sandboxes.list({ owner, state: [...ACTIVE_STATES] });
  const owned = await runtime.listOwned(owner);
  const ownedHandles = new Map<string, SandboxHandle>(owned.map((o) => [o.id, o.handle]));

  for (const record of records) {
    let current = record;
    if (record.state !== "stopping") {
      const stopping = await store.sandboxes.transition(record.id, legalSources([record.state], "stopping"), {
        state: "stopping",
        terminationReason: "interrupted",
        terminationMessage: INTERRUPTED_MESSAGE,
      });
      if (stopping === null) continue; // someone else moved it (another server on the same database)
      current = stopping;
    }
    const handle = ownedHandles.get(record.id) ?? (deps.foreign === true ? null : current.handle);
    ownedHandles.delete(record.id);
    try {
      if (handle !== null) await runtime.destroy(handle);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ err: error, sandboxId: record.id }, "could not remove an interrupted sandbox");
      report.failed.push({ id: record.id, message });
      continue;
    }
    const endedAt = iso();
    await store.execs.finishAllRunning([record.id], "killed", endedAt);
    const done = await store.sandboxes.transition(record.id, "stopping", {
      state: "terminated",
      endedAt,
      terminationReason: "interrupted",
      terminationMessage: INTERRUPTED_MESSAGE,
    });
    if (done !== null) {
      report.interrupted.push(record.id);
      await events.emit(record.id, "sandbox.terminated", {
        reason: "interrupted",
        message: INTERRUPTED_MESSAGE,
        lifetimeMs: Math.max(0, clock.now() - Date.parse(record.createdAt)),
      });
    }
  }

  for (const [id, handle] of ownedHandles) {
    try {
      await runtime.destroy(handle);
      report.orphansRemoved.push(id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ err: error, sandboxId: id }, "could not remove an orphaned sandbox");
      report.failed.push({ id, message });
    }
  }
  if (report.interrupted.length + report.orphansRemoved.length + report.failed.length > 0)
    logger.warn({ ...report }, "start-up reconciliation removed what a previous run left behind");
  return report;
}
