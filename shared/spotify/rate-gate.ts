/**
 * The one app-wide Spotify rate limit, in Redis so every process obeys it: after a 429 nobody calls
 * Spotify (poller, catalog proxy, token refresh, player commands) before the `Retry-After`
 * deadline, and the poll interval widens (×2 per 429, at most ×8) then recovers slowly (one step
 * per `RECOVERY_MS` after the deadline): additive-increase / multiplicative-decrease of the rate.
 * A 429 whose body says the app's quota is exhausted (`reason: QUOTA_EXCEEDED`) is kept apart from
 * a short rate limit, for operators. https://developer.spotify.com/documentation/web-api/concepts/rate-limits
 */
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';
import { SpotifyError } from './spotify-error.js';

export const MAX_FACTOR = 8;
/** After the deadline, the interval factor drops by one every this many ms. */
export const RECOVERY_MS = 20_000;

export type LimitKind = 'rate_limited' | 'quota_exceeded';

export interface AdaptiveRate {
  /** Interval multiplier set by the last 429. */
  factor: number;
  /** When recovery starts (the deadline of that 429). */
  since: number;
}

/** The interval multiplier in force at `now` (1 = the configured interval). */
export function factorAt(rate: AdaptiveRate | null, now: number): number {
  if (!rate) return 1;
  return Math.max(1, rate.factor - Math.max(0, now - rate.since) / RECOVERY_MS);
}

/** The rate after a 429 at `now` whose deadline is `until`: the interval doubles from where it is. */
export function widen(rate: AdaptiveRate | null, now: number, until: number): AdaptiveRate {
  return { factor: Math.min(MAX_FACTOR, factorAt(rate, now) * 2), since: until };
}

/** QUOTA_EXCEEDED (and similar) means the app's quota is used up, not a short burst limit. */
export function limitKind(reason: string | null): LimitKind {
  return reason !== null && /QUOTA/i.test(reason) ? 'quota_exceeded' : 'rate_limited';
}

/** What every Spotify client asks before a call and tells after a 429. */
export interface CallGate {
  /** Throws `SpotifyError('rate_limited')` without calling while the deadline holds. */
  before(): Promise<void>;
  /** Records a 429 answer. */
  limited(retryAfterMs: number, reason: string | null): Promise<void>;
}

/** KEYS[1] deadline, KEYS[2] rate hash; ARGV now, until, factor, kind. A deadline never shortens. */
const LIMITED = `
local now = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1])) or 0
local deadline = tonumber(ARGV[2])
if deadline > current then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', math.max(1, deadline - now + 1000))
else
  deadline = current
end
redis.call('HSET', KEYS[2], 'factor', ARGV[3], 'since', tostring(deadline), 'kind', ARGV[4], 'limited_at', ARGV[1])
return deadline
`;

export interface RateStatus {
  /** Epoch ms before which nobody may call, or null. */
  until: number | null;
  kind: LimitKind | null;
  factor: number;
}

export class SpotifyRateGate implements CallGate {
  readonly #redis: RedisClient;
  readonly #now: () => number;

  constructor(redis: RedisClient, now: () => number = Date.now) {
    this.#redis = redis;
    this.#now = now;
  }

  /** The deadline, the kind of the last 429 and the interval factor, in one round trip. */
  async status(): Promise<RateStatus> {
    const now = this.#now();
    const [raw, h] = (await this.#redis
      .multi()
      .get(keys.spotifyRetryAfter())
      .hGetAll(keys.spotifyRate())
      .exec()) as unknown as [string | null, Record<string, string>];
    const until = Number(raw ?? 0);
    const rate = h.factor ? { factor: Number(h.factor), since: Number(h.since ?? 0) } : null;
    const active = until > now;
    return {
      until: active ? until : null,
      kind: active ? (h.kind === 'quota_exceeded' ? 'quota_exceeded' : 'rate_limited') : null,
      factor: factorAt(rate, now),
    };
  }

  async before(): Promise<void> {
    const raw = await this.#redis.get(keys.spotifyRetryAfter());
    const wait = Number(raw ?? 0) - this.#now();
    if (wait > 0)
      throw new SpotifyError('rate_limited', 'waiting for the Retry-After deadline; not calling Spotify', {
        status: 429,
        retryAfterMs: wait,
        local: true,
      });
  }

  async limited(retryAfterMs: number, reason: string | null): Promise<void> {
    const now = this.#now();
    const h = await this.#redis.hGetAll(keys.spotifyRate());
    const previous = h.factor ? { factor: Number(h.factor), since: Number(h.since ?? 0) } : null;
    const until = now + Math.max(retryAfterMs, 1000);
    const next = widen(previous, now, until);
    await this.#redis.eval(LIMITED, {
      keys: [keys.spotifyRetryAfter(), keys.spotifyRate()],
      arguments: [String(now), String(until), String(next.factor), limitKind(reason)],
    });
  }
}
