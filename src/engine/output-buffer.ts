/**
 * A bounded ring buffer of output chunks with per-buffer sequence numbers, for execs and
 * pipeline step logs. Readers attach at any cursor (the next seq they want) and get every
 * chunk from there exactly once, buffered ones first and then live ones, until the buffer
 * ends. When the oldest chunks are evicted, a reader whose cursor they passed gets an
 * error rather than a silent gap.
 */
import { C8sError } from "../errors/index.ts";

export interface Sequenced<T> {
  seq: number;
  value: T;
}

export interface OutputBufferOptions<T> {
  /** Evict the oldest entries beyond this many bytes (as measured by `sizeOf`). */
  maxBytes: number;
  /** Evict the oldest entries beyond this count. */
  maxEntries?: number;
  sizeOf: (value: T) => number;
}

export class OutputBuffer<T> {
  private readonly entries: Sequenced<T>[] = [];
  private head = 0; // index in `entries` of the oldest kept entry
  private bytes = 0;
  private next = 0;
  private ended = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly options: OutputBufferOptions<T>) {}

  /** The seq the next pushed entry gets (= how many were ever pushed). */
  get nextSeq(): number {
    return this.next;
  }

  /** The oldest seq still held. */
  get firstSeq(): number {
    return this.entries[this.head]?.seq ?? this.next;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get bufferedBytes(): number {
    return this.bytes;
  }

  push(value: T): number {
    if (this.ended) throw new C8sError("INTERNAL", "output pushed after the buffer ended");
    const seq = this.next++;
    this.entries.push({ seq, value });
    this.bytes += this.options.sizeOf(value);
    this.evict();
    this.wake();
    return seq;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.wake();
  }

  /** Entries from `cursor` on that are buffered now (no waiting). */
  snapshot(cursor = this.firstSeq): Sequenced<T>[] {
    this.checkCursor(cursor);
    return this.entries.slice(this.head + (cursor - this.firstSeq));
  }

  /** Buffered entries from `cursor`, then live ones, until the buffer ends or `signal` aborts. */
  async *read(cursor = 0, signal?: AbortSignal): AsyncGenerator<Sequenced<T>> {
    this.checkCursor(cursor);
    let position = cursor;
    while (signal?.aborted !== true) {
      if (position < this.next) {
        if (position < this.firstSeq) this.checkCursor(position); // evicted while we were slow
        const entry = this.entries[this.head + (position - this.firstSeq)] as Sequenced<T>;
        position++;
        yield entry;
        continue;
      }
      if (this.ended) return;
      await this.changed(signal);
    }
  }

  private checkCursor(cursor: number): void {
    if (!Number.isInteger(cursor) || cursor < 0 || cursor > this.next)
      throw new C8sError("INVALID_ARGUMENT", `cursor ${cursor} is outside the output (0…${this.next})`, {
        details: { cursor, nextSeq: this.next },
        hint: "Pass the seq after the last chunk you received, or 0 to replay from the start.",
      });
    if (cursor < this.firstSeq)
      throw new C8sError("INVALID_ARGUMENT", `output before seq ${this.firstSeq} is no longer buffered`, {
        details: { reason: "output_expired", cursor, firstAvailableSeq: this.firstSeq },
        hint: `Attach with cursor ${this.firstSeq} or later; older output was dropped to bound memory.`,
      });
  }

  private evict(): void {
    const maxEntries = this.options.maxEntries ?? Number.POSITIVE_INFINITY;
    // Keep at least the newest entry, however big.
    while (
      this.entries.length - this.head > 1 &&
      (this.bytes > this.options.maxBytes || this.entries.length - this.head > maxEntries)
    ) {
      const oldest = this.entries[this.head] as Sequenced<T>;
      this.bytes -= this.options.sizeOf(oldest.value);
      this.head++;
    }
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private changed(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}
