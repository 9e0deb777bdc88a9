/**
 * The poller's bookkeeping in Redis, shared by every worker process: the last currently-playing
 * call (driver, turn, start, what it showed), "poll now" requests, and the backoff with jitter
 * after server errors and time-outs. The 429 deadline and the adaptive rate are app-wide and live
 * in shared/spotify/rate-gate.ts.
 */
import { keys } from '../../shared/redis-keys.js';
import type { RedisClient } from '../../shared/redis.js';
import type { LastCall, Seen } from './poll-policy.js';

const MAX_BACKOFF_MS = 30_000;

export interface PollBookState {
  last: LastCall | null;
  forceAt: number | null;
  backoffUntil: number;
}

const SEEN: readonly Seen[] = ['playing', 'paused', 'idle'];

export class SpotifyBudget {
  readonly #redis: RedisClient;

  constructor(redis: RedisClient) {
    this.#redis = redis;
  }

  async state(): Promise<PollBookState> {
    const h = await this.#redis.hGetAll(keys.pollStatus());
    const num = (v: string | undefined) => (v ? Number(v) || 0 : 0);
    const seen = SEEN.find((s) => s === h.call_seen) ?? null;
    const last: LastCall | null =
      h.call_driver && h.call_at
        ? {
            driver: h.call_driver,
            turn: h.call_turn ?? '',
            at: num(h.call_at),
            seen,
            predictedEnd: num(h.predicted_end) || null,
          }
        : null;
    return { last, forceAt: num(h.force_at) || null, backoffUntil: num(h.backoff_until) };
  }

  /** A call is about to start: from now on the schedule counts from it. */
  async callStarted(driver: string, turn: string, at: number): Promise<void> {
    await this.#redis.hSet(keys.pollStatus(), {
      call_driver: driver,
      call_turn: turn,
      call_at: String(at),
      call_seen: '',
      predicted_end: '0',
    });
  }

  /** The call answered (for the call that started at `startedAt`; a later call's record is kept). */
  async answered(startedAt: number, at: number, seen: Seen, predictedEnd: number | null): Promise<void> {
    const current = await this.#redis.hGet(keys.pollStatus(), 'call_at');
    const fields: Record<string, string> = { failures: '0', backoff_until: '0', last_spotify_at: String(at) };
    if (current === String(startedAt))
      Object.assign(fields, { call_seen: seen, predicted_end: String(predictedEnd ?? 0) });
    await this.#redis.hSet(keys.pollStatus(), fields);
  }

  /** A 5xx or time-out: exponential backoff with full jitter, capped. Answers the delay chosen. */
  async failed(now: number, baseMs: number): Promise<number> {
    const failures = await this.#redis.hIncrBy(keys.pollStatus(), 'failures', 1);
    const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.min(failures, 10));
    const delay = Math.floor(baseMs + Math.random() * ceiling);
    await this.#redis.hSet(keys.pollStatus(), 'backoff_until', String(now + delay));
    return delay;
  }

  async pollDone(now: number): Promise<void> {
    await this.#redis.hSet(keys.pollStatus(), 'last_poll_at', String(now));
  }
}
