/**
 * Lifecycle events: appended to the store (which gives each a global seq) and published to
 * in-process subscribers. Appends are serialised so subscribers see seqs in order; a
 * stream lists stored events first and then switches to live ones with no gap and no
 * duplicate (it subscribes before it lists and drops what it already yielded).
 */
import type { EventRepository, SandboxEvent, SandboxEventType } from "../store/types.ts";
import type { Clock, Logger } from "./clock.ts";

type Listener = (event: SandboxEvent) => void;

const PAGE = 500;

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
/** A subscriber further behind than this re-reads from the store instead of queueing. */
const MAX_QUEUED = 10_000;

export class EventLog {
  private readonly listeners = new Set<Listener>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly events: EventRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /**
     * When set, a waiting stream also re-reads the store this often, so events other servers
     * append to a shared PostgreSQL show up too (in-process events still arrive at once).
     */
    private readonly pollIntervalMs?: number,
  ) {}

  /** Appends and publishes; never throws (an event that cannot be stored is logged). */
  emit(sandboxId: string, type: SandboxEventType, data: Record<string, unknown> = {}): Promise<SandboxEvent | null> {
    const at = new Date(this.clock.now()).toISOString();
    const appended = this.tail.then(async () => {
      try {
        const event = await this.events.append({ sandboxId, type, at, data });
        for (const listener of this.listeners) {
          try {
            listener(event);
          } catch (error) {
            this.logger.error({ err: error, type }, "event listener failed");
          }
        }
        return event;
      } catch (error) {
        this.logger.error({ err: error, sandboxId, type }, "could not record a lifecycle event");
        return null;
      }
    });
    this.tail = appended;
    return appended;
  }

  /** Every event from now on, in seq order. Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits until every event emitted so far is stored and published. */
  async flush(): Promise<void> {
    await this.tail;
  }

  async *stream(options: {
    afterSeq?: number;
    sandboxId?: string;
    signal?: AbortSignal;
  }): AsyncGenerator<SandboxEvent> {
    const { sandboxId, signal } = options;
    let cursor = options.afterSeq ?? 0;
    let queue: SandboxEvent[] = [];
    let overflowed = false;
    let wake: (() => void) | null = null;
    const unsubscribe = this.subscribe((event) => {
      if (sandboxId !== undefined && event.sandboxId !== sandboxId) return;
      if (queue.length >= MAX_QUEUED) {
        overflowed = true;
        queue = [];
      } else queue.push(event);
      wake?.();
    });
    const onAbort = (): void => wake?.();
    signal?.addEventListener("abort", onAbort);
    try {
      let fromStore = true;
      while (!isAborted(signal)) {
        if (fromStore) {
          const page = await this.events.list({
            afterSeq: cursor,
            limit: PAGE,
            ...(sandboxId === undefined ? {} : { sandboxId }),
          });
          for (const event of page) {
            if (isAborted(signal)) return;
            cursor = event.seq;
            yield event;
          }
          if (page.length === PAGE) continue;
          fromStore = false;
        }
        if (overflowed) {
          overflowed = false;
          fromStore = true;
          continue;
        }
        const event = queue.shift();
        if (event !== undefined) {
          if (event.seq <= cursor) continue;
          cursor = event.seq;
          yield event;
          continue;
        }
        const poll =
          this.pollIntervalMs === undefined
            ? undefined
            : this.clock.setTimer(this.pollIntervalMs, () => {
                fromStore = true;
                wake?.();
              });
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (queue.length > 0 || overflowed || isAborted(signal)) resolve();
        });
        poll?.cancel();
        wake = null;
      }
    } finally {
      unsubscribe();
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
