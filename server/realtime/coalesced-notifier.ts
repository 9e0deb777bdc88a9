/**
 * Line broadcasts at a bounded rate. Each broadcast sends `queue` to every client and reads Redis,
 * so a burst of line changes (one phone toggling join/leave, an operator dragging the line about)
 * must not become a burst on every screen. The first change goes out at once; changes during the
 * next `intervalMs` are merged into one trailing broadcast that reads the newest state, and every
 * user named as affected on the way still gets their own `you`.
 */
import type { Logger } from '../../shared/logger.js';
import type { LineNotifier } from '../deps.js';

export class CoalescedLineNotifier implements LineNotifier {
  readonly #inner: LineNotifier;
  readonly #intervalMs: number;
  readonly #log: Logger;
  #lastSentAt = 0;
  #pending: Set<string> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  /** Broadcasts under way: shutdown waits for them before the Redis clients close. */
  readonly #inFlight = new Set<Promise<void>>();

  constructor(inner: LineNotifier, intervalMs: number, log: Logger) {
    this.#inner = inner;
    this.#intervalMs = intervalMs;
    this.#log = log;
  }

  async lineChanged(affected: readonly string[] = []): Promise<void> {
    // After shutdown began the Redis clients are closing: a broadcast now would fail unobserved
    // inside the adapter. Clients catch up from Redis when they reconnect elsewhere.
    if (this.#closed) return;
    const wait = this.#lastSentAt + this.#intervalMs - Date.now();
    if (wait <= 0 && this.#pending === null) {
      this.#lastSentAt = Date.now();
      await this.#send(affected);
      return;
    }
    this.#pending ??= new Set();
    for (const id of affected) this.#pending.add(id);
    this.#timer ??= setTimeout(() => this.#flush(), Math.max(0, wait));
  }

  #flush(): void {
    const affected = [...(this.#pending ?? [])];
    this.#pending = null;
    this.#timer = null;
    this.#lastSentAt = Date.now();
    this.#sendInBackground(affected);
  }

  /** A trailing broadcast: nobody awaits it, so its failure is logged here. */
  #sendInBackground(affected: readonly string[]): void {
    this.#send(affected).catch((err: unknown) => {
      this.#log.warn({ err: { message: (err as Error).message } }, 'could not broadcast a line change');
    });
  }

  async #send(affected: readonly string[]): Promise<void> {
    const sending = this.#inner.lineChanged(affected);
    this.#inFlight.add(sending);
    try {
      await sending;
    } finally {
      this.#inFlight.delete(sending);
    }
  }

  /**
   * Sends what is still pending now, waits for every broadcast under way and broadcasts nothing
   * after (shutdown: the Redis clients close next).
   */
  async flush(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      const affected = [...(this.#pending ?? [])];
      this.#pending = null;
      this.#timer = null;
      this.#sendInBackground(affected);
    }
    await Promise.allSettled([...this.#inFlight]);
  }
}
