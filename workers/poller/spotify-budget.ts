/**
 * When the poller may call Spotify. The app's rate budget is shared by every process, so the
 * bookkeeping is in Redis: the 429 deadline (`Retry-After`) that nobody may call before, and a
 * backoff with jitter after server errors and time-outs.
 */
import { keys } from '../../shared/redis-keys.js';
import type { RedisClient } from '../../shared/redis.js';

const MAX_BACKOFF_MS = 30_000;

export interface CallRecord {
  at: number;
  userId: string;
  /** What the answer showed: playing, or anything else (paused, nothing, ad). */
  playing: boolean;
  /** Epoch ms at which the playing item is predicted to end, if any. */
  predictedEnd: number | null;
}

export class SpotifyBudget {
  readonly #redis: RedisClient;

  constructor(redis: RedisClient) {
    this.#redis = redis;
  }

  /** Epoch ms before which no process may call the Web API, or null. */
  async blockedUntil(now: number): Promise<number | null> {
    const [retryAfter, backoff] = await Promise.all([this.#redis.get(keys.spotifyRetryAfter()), this.#redis.hGet(keys.pollStatus(), 'backoff_until')]);
    const until = Math.max(Number(retryAfter ?? 0), Number(backoff ?? 0));
    return until > now ? until : null;
  }

  /** Records a 429: one deadline for the whole fleet; a later deadline never shortens. */
  async rateLimited(now: number, retryAfterMs: number): Promise<void> {
    const until = now + Math.max(retryAfterMs, 1000);
    const current = Number((await this.#redis.get(keys.spotifyRetryAfter())) ?? 0);
    if (until > current) await this.#redis.set(keys.spotifyRetryAfter(), String(until), { expiration: { type: 'PX', value: until - now + 1000 } });
  }

  /** A 5xx or time-out: exponential backoff with full jitter, capped. Answers the delay chosen. */
  async failed(now: number, baseMs: number): Promise<number> {
    const failures = await this.#redis.hIncrBy(keys.pollStatus(), 'failures', 1);
    const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.min(failures, 10));
    const delay = Math.floor(baseMs + Math.random() * ceiling);
    await this.#redis.hSet(keys.pollStatus(), 'backoff_until', String(now + delay));
    return delay;
  }

  async succeeded(record: CallRecord): Promise<void> {
    await this.#redis.hSet(keys.pollStatus(), {
      failures: '0',
      backoff_until: '0',
      last_spotify_at: String(record.at),
      last_call_at: String(record.at),
      last_call_user: record.userId,
      last_call_playing: record.playing ? '1' : '0',
      predicted_end: String(record.predictedEnd ?? 0),
    });
  }

  async lastCall(): Promise<CallRecord | null> {
    const h = await this.#redis.hGetAll(keys.pollStatus());
    if (!h.last_call_at || !h.last_call_user) return null;
    return { at: Number(h.last_call_at), userId: h.last_call_user, playing: h.last_call_playing === '1', predictedEnd: Number(h.predicted_end) || null };
  }

  async pollDone(now: number): Promise<void> {
    await this.#redis.hSet(keys.pollStatus(), 'last_poll_at', String(now));
  }
}

/**
 * Adaptive polling: every interval while playing, right after a predicted track end, every
 * `slowMs` while paused or idle; a new active user is polled at once.
 */
export function shouldCall(last: CallRecord | null, userId: string, now: number, intervalMs: number, slowMs: number): boolean {
  if (!last || last.userId !== userId) return true;
  const since = now - last.at;
  if (last.predictedEnd !== null && now >= last.predictedEnd && last.at < last.predictedEnd) return true;
  // 0.8: a scheduled tick arriving slightly early still polls, but one right after an extra
  // end-of-track poll does not, so the rate stays at one call per interval.
  if (last.playing) return since >= intervalMs * 0.8;
  return since >= slowMs - intervalMs * 0.2;
}
