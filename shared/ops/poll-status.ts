/**
 * What the poll worker reports about itself, in Redis, for `/readyz`, the operator's health panel
 * and `/metrics` in any server process.
 */
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';

export interface PollStatus {
  /** Epoch ms of the last poll job that ran to the end (whether or not Spotify was called). */
  lastPollAt: number | null;
  /** Epoch ms of the last Spotify call that answered. */
  lastSpotifyAt: number | null;
  /** Epoch ms until which Spotify asked us to wait (429), if in the future. */
  retryAfterUntil: number | null;
  /** What that 429 said: a short rate limit or the app's quota exhausted. */
  limitKind: 'rate_limited' | 'quota_exceeded' | null;
  refreshFailures: number;
}

/** Counter names kept in the `metrics` hash. */
export const METRIC_FIELDS = {
  polls: 'polls_total',
  refreshOk: 'refresh_ok_total',
  refreshInvalidGrant: 'refresh_invalid_grant_total',
  refreshError: 'refresh_error_total',
  rateLimited: 'spotify_429_total',
  /** `spotify_status:<endpoint>:<status>` */
  statusPrefix: 'spotify_status:',
  /** `spotify_latency_bucket:<le>`, plus `_sum` and `_count` */
  latencyPrefix: 'spotify_latency_',
} as const;

export const LATENCY_BUCKETS_SECONDS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export async function readPollStatus(redis: RedisClient, now = Date.now()): Promise<PollStatus> {
  const [status, retryAfter, rate, metrics] = await Promise.all([
    redis.hGetAll(keys.pollStatus()),
    redis.get(keys.spotifyRetryAfter()),
    redis.hGet(keys.spotifyRate(), 'kind'),
    redis.hmGet(keys.metrics(), [METRIC_FIELDS.refreshInvalidGrant, METRIC_FIELDS.refreshError]),
  ]);
  const num = (v: string | null | undefined) => (v ? Number(v) : null);
  const until = num(retryAfter);
  return {
    lastPollAt: num(status.last_poll_at),
    lastSpotifyAt: num(status.last_spotify_at),
    retryAfterUntil: until !== null && until > now ? until : null,
    limitKind: until !== null && until > now ? (rate === 'quota_exceeded' ? 'quota_exceeded' : 'rate_limited') : null,
    refreshFailures: (num(metrics[0]) ?? 0) + (num(metrics[1]) ?? 0),
  };
}
