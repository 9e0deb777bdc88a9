/**
 * Decides when a `now_playing` goes out: only when something a viewer can see changed (item,
 * play/pause, user, turn end, a seek beyond what clients extrapolate) plus a keyframe every 5 s.
 * A change takes the next `seq`; a keyframe repeats it with fresh progress.
 */
import type { NowPlaying } from '../../shared/events.js';
import { extrapolatedProgress, type NowPlayingStore } from '../../shared/realtime/now-playing-store.js';

export const SEEK_TOLERANCE_MS = 1500;
export const KEYFRAME_MS = 5000;

export type Draft = Omit<NowPlaying, 'seq'>;

export function visibleChange(last: NowPlaying, next: Draft): boolean {
  if (last.state !== next.state || last.is_playing !== next.is_playing || last.turn_ends_at !== next.turn_ends_at) return true;
  if ((last.user?.display_name ?? null) !== (next.user?.display_name ?? null)) return true;
  const a = last.item;
  const b = next.item;
  if ((a === null) !== (b === null)) return true;
  if (a && b && (a.id !== b.id || a.name !== b.name || a.duration_ms !== b.duration_ms)) return true;
  return Math.abs(extrapolatedProgress(last, next.server_time) - next.progress_ms) > SEEK_TOLERANCE_MS;
}

export interface Emits {
  nowPlaying(payload: NowPlaying): void;
}

export class NowPlayingPublisher {
  readonly #store: NowPlayingStore;
  readonly #out: Emits;

  constructor(store: NowPlayingStore, out: Emits) {
    this.#store = store;
    this.#out = out;
  }

  /** Publishes `draft` if it differs visibly or a keyframe is due; answers what was sent, if anything. */
  async offer(draft: Draft): Promise<{ kind: 'change' | 'keyframe'; payload: NowPlaying } | null> {
    const last = await this.#store.current();
    let kind: 'change' | 'keyframe' | null = null;
    if (last.seq === 0 || visibleChange(last, draft)) kind = 'change';
    else if (draft.server_time - last.server_time >= KEYFRAME_MS) kind = 'keyframe';
    if (!kind) return null;
    const payload: NowPlaying = { seq: kind === 'change' ? await this.#store.nextSeq() : last.seq, ...draft };
    await this.#store.save(payload);
    this.#out.nowPlaying(payload);
    return { kind, payload };
  }
}
