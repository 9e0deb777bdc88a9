/**
 * The hub's health: Redis reachable, the poll worker's last poll, the 429 back-off in force (a
 * short rate limit told apart from the app's quota used up), token refresh failures and connected
 * clients. Served as `/readyz` and pushed to operators.
 */
import type { Health, JoinAddressReport } from '../../shared/events.js';
import type { RedisClient } from '../../shared/redis.js';
import { readPollStatus } from '../../shared/ops/poll-status.js';
import { fleetCounts, zeroCounts } from './client-counts.js';

/** `address` (the join address report) is passed through for the operator panel. */
export async function readHealth(redis: RedisClient, now = Date.now(), address?: JoinAddressReport): Promise<Health> {
  try {
    const [status, clients] = await Promise.all([readPollStatus(redis, now), fleetCounts(redis, now)]);
    return {
      redis: true,
      last_poll_at: status.lastPollAt,
      last_poll_age_ms: status.lastPollAt === null ? null : Math.max(0, now - status.lastPollAt),
      spotify_retry_after: status.retryAfterUntil,
      spotify_limit: status.limitKind,
      refresh_failures: status.refreshFailures,
      clients,
      bridge_connected: clients['/bridge'] > 0,
      server_time: now,
      ...(address ? { address } : {}),
    };
  } catch {
    return {
      redis: false,
      last_poll_at: null,
      last_poll_age_ms: null,
      spotify_retry_after: null,
      spotify_limit: null,
      refresh_failures: 0,
      clients: zeroCounts(),
      bridge_connected: false,
      server_time: now,
      ...(address ? { address } : {}),
    };
  }
}

/** Ready when Redis answers and a worker polled within `maxPollAgeMs`. */
export function isReady(h: Health, maxPollAgeMs: number): boolean {
  return h.redis && h.last_poll_age_ms !== null && h.last_poll_age_ms <= maxPollAgeMs;
}
