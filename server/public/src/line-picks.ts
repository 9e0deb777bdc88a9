/**
 * Venue mode in the operator's line: a guest's picks, opened under their row, with a Veto per pick
 * that has not started. Picks are fetched when the row is opened and after each veto; the line is
 * redrawn on every `queue_full`, so what is open and what was fetched live here, not in the DOM.
 */
import type { GuestPickWire } from '../../../shared/events.js';
import { currentLang, t } from './i18n.js';
import { api } from './lib.js';

interface PicksAnswer {
  userId: string;
  picks: GuestPickWire[];
  started: number;
}

/** Guests have ids `guest:…` (PROTOCOL.md, venue mode); the line entries carry no `kind`. */
export const isGuestId = (userId: string) => userId.startsWith('guest:');

export interface LinePicksOptions {
  changed: () => void;
  signedOut: () => void;
  failed: (serverText: string | null) => void;
  button: (label: string, title: string, run: () => void, disabled?: boolean) => HTMLButtonElement;
}

export class LinePicks {
  readonly #open = new Set<string>();
  readonly #picks = new Map<string, PicksAnswer>();
  readonly #options: LinePicksOptions;

  constructor(options: LinePicksOptions) {
    this.#options = options;
  }

  isOpen(userId: string): boolean {
    return this.#open.has(userId);
  }

  toggle(userId: string): void {
    if (this.#open.delete(userId)) return this.#options.changed();
    this.#open.add(userId);
    this.#options.changed();
    void this.#load(userId);
  }

  /** Forget people who left the line, so a later guest with an open row starts closed. */
  keepOnly(userIds: readonly string[]): void {
    const keep = new Set(userIds);
    for (const id of this.#open) if (!keep.has(id)) this.#open.delete(id);
    for (const id of this.#picks.keys()) if (!keep.has(id)) this.#picks.delete(id);
  }

  async #load(userId: string): Promise<void> {
    const res = await api<PicksAnswer & { error?: { message?: string } }>(
      `/api/operator/picks?userId=${encodeURIComponent(userId)}`,
    );
    if (res.status === 401) return this.#options.signedOut();
    if (res.ok) this.#picks.set(userId, res.body);
    else this.#options.failed(res.body?.error?.message ?? null);
    this.#options.changed();
  }

  async #veto(userId: string, uri: string): Promise<void> {
    const res = await api<{ error?: { message?: string } }>('/api/operator/veto', {
      method: 'POST',
      body: JSON.stringify({ userId, uri }),
    });
    if (res.status === 401) return this.#options.signedOut();
    if (!res.ok) this.#options.failed(res.body?.error?.message ?? null);
    await this.#load(userId);
  }

  /** The row under a guest's row: their picks with a Veto each. */
  row(userId: string, columns: number): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.className = 'picks-row';
    tr.dataset.picksOf = userId;
    const td = document.createElement('td');
    td.colSpan = columns;
    const answer = this.#picks.get(userId);
    const list = document.createElement('ul');
    list.className = 'plain op-picks';
    if (answer && answer.picks.length === 0) {
      const li = document.createElement('li');
      li.textContent = t('op.picksNone');
      list.append(li);
    }
    const lists = new Intl.ListFormat(currentLang(), { style: 'long', type: 'conjunction' });
    answer?.picks.forEach((p, i) => {
      const li = document.createElement('li');
      const text = document.createElement('span');
      text.className = 'one-line';
      text.dir = 'auto';
      text.textContent = t('op.pickItem', { title: p.name, artists: lists.format(p.artists.map((a) => a.name)) });
      text.title = text.textContent;
      li.append(
        text,
        this.#options.button(
          t('op.veto'),
          t('op.vetoName', { title: p.name }),
          () => void this.#veto(userId, p.uri),
          i < answer.started,
        ),
      );
      list.append(li);
    });
    td.append(list);
    tr.append(td);
    return tr;
  }
}
