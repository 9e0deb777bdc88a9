/**
 * Destructive operator actions (skip, remove, and in venue mode ban) wait a few seconds before they
 * are sent, with Undo and "Do it now": a mis-click in a dark booth costs nothing.
 */
export const UNDO_SECONDS = 5;

export interface PendingAction {
  /** One pending action per key (`skip`, `remove:<userId>`): asking again restarts nothing. */
  key: string;
  /** The sentence shown while it waits, in the current language. */
  describe: () => string;
  run: () => Promise<void>;
}

interface Entry extends PendingAction {
  dueAt: number;
  timer: ReturnType<typeof setTimeout>;
}

export class PendingActions {
  readonly #entries = new Map<string, Entry>();
  readonly #changed: () => void;

  constructor(changed: () => void) {
    this.#changed = changed;
  }

  schedule(action: PendingAction, seconds = UNDO_SECONDS): void {
    if (this.#entries.has(action.key)) return;
    const timer = setTimeout(() => void this.now(action.key), seconds * 1000);
    this.#entries.set(action.key, { ...action, dueAt: Date.now() + seconds * 1000, timer });
    this.#changed();
  }

  undo(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.#entries.delete(key);
    this.#changed();
  }

  async now(key: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.#entries.delete(key);
    this.#changed();
    await entry.run();
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** Seconds left per pending action, oldest first. */
  list(): { key: string; text: string; secondsLeft: number }[] {
    const now = Date.now();
    return [...this.#entries.values()].map((e) => ({
      key: e.key,
      text: e.describe(),
      secondsLeft: Math.max(0, Math.ceil((e.dueAt - now) / 1000)),
    }));
  }
}
