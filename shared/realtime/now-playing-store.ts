/**
 * The current `now_playing` payload lives in Redis, so any server process can hand it to a client
 * that just connected and any worker can continue the sequence after a restart.
 */
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';
import type { NowPlaying } from '../events.js';

/** What everyone sees before the first poll: nobody drives. */
export function emptyNowPlaying(now: number, seq = 0): NowPlaying {
  return { seq, state: 'no_active_user', user: null, item: null, is_playing: false, progress_ms: 0, server_time: now, turn_ends_at: null };
}

export class NowPlayingStore {
  readonly #redis: RedisClient;
  readonly #now: () => number;

  constructor(redis: RedisClient, now: () => number = Date.now) {
    this.#redis = redis;
    this.#now = now;
  }

  /** The last published payload, or the empty one. */
  async current(): Promise<NowPlaying> {
    const raw = await this.#redis.get(keys.nowPlaying());
    if (!raw) return emptyNowPlaying(this.#now());
    try {
      return JSON.parse(raw) as NowPlaying;
    } catch {
      return emptyNowPlaying(this.#now());
    }
  }

  /** The next sequence number; it only grows, across every worker process. */
  nextSeq(): Promise<number> {
    return this.#redis.incr(keys.nowPlayingSeq());
  }

  async save(payload: NowPlaying): Promise<void> {
    await this.#redis.set(keys.nowPlaying(), JSON.stringify(payload));
  }
}

/** Progress a client would show at `at`, per PROTOCOL.md: extrapolated while playing, capped. */
export function extrapolatedProgress(p: NowPlaying, at: number): number {
  if (!p.is_playing || !p.item) return p.progress_ms;
  return Math.min(p.item.duration_ms, p.progress_ms + Math.max(0, at - p.server_time));
}
