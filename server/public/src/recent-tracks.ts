/**
 * The projector's memory of the tracks it has shown, for the attract screen's "recently played".
 * Kept in this browser (localStorage), so a reload of the display keeps it; the hub stores no
 * play history.
 */
import type { NowPlaying } from '../../../shared/events.js';

export interface RecentTrack {
  key: string;
  title: string;
  artists: string[];
  at: number;
}

const STORAGE_KEY = 'nph.display.recent';
export const RECENT_SHOWN = 5;

function load(): RecentTrack[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    if (!Array.isArray(raw)) return [];
    return (raw as unknown[])
      .filter((r): r is RecentTrack => {
        const t = r as Partial<Record<keyof RecentTrack, unknown>> | null;
        return (
          typeof t?.key === 'string' &&
          typeof t.title === 'string' &&
          Array.isArray(t.artists) &&
          typeof t.at === 'number'
        );
      })
      .slice(0, RECENT_SHOWN);
  } catch {
    return [];
  }
}

export class RecentTracks {
  #list: RecentTrack[] = load();

  /** Newest first. */
  list(): readonly RecentTrack[] {
    return this.#list;
  }

  /** Remembers the payload's item if it is a new one. */
  note(p: NowPlaying, at: number): void {
    const item = p.item;
    if (!item || typeof item.name !== 'string' || item.name.trim() === '') return;
    const key = item.id ?? item.uri ?? item.name;
    if (this.#list[0]?.key === key) return;
    const artists = item.artists.map((a) => a.name).filter((n) => typeof n === 'string' && n.trim() !== '');
    this.#list = [{ key, title: item.name, artists, at }, ...this.#list.filter((r) => r.key !== key)].slice(
      0,
      RECENT_SHOWN,
    );
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(this.#list));
    } catch {
      // Memory only, then.
    }
  }
}
