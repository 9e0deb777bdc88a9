/**
 * Counters the poll workers keep in Redis (one hash), so `/metrics` on any server process reports
 * the whole fleet's polls, Spotify statuses and latency, refreshes and 429s.
 */
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';
import { LATENCY_BUCKETS_SECONDS, METRIC_FIELDS } from './poll-status.js';

export class WorkerMetrics {
  readonly #redis: RedisClient;

  constructor(redis: RedisClient) {
    this.#redis = redis;
  }

  #incr(fields: Record<string, number>): void {
    const multi = this.#redis.multi();
    for (const [field, by] of Object.entries(fields)) {
      if (Number.isInteger(by)) multi.hIncrBy(keys.metrics(), field, by);
      else multi.hIncrByFloat(keys.metrics(), field, by);
    }
    // Metrics are best effort: a failed write must never fail a poll.
    multi.execAsPipeline().catch(() => undefined);
  }

  poll(): void {
    this.#incr({ [METRIC_FIELDS.polls]: 1 });
  }

  /** One Spotify call: which endpoint, what status (or 'error' for no answer), how long. */
  spotifyCall(endpoint: string, status: number | 'error', seconds: number): void {
    const fields: Record<string, number> = {
      [`${METRIC_FIELDS.statusPrefix}${endpoint}:${status}`]: 1,
      [`${METRIC_FIELDS.latencyPrefix}count`]: 1,
      [`${METRIC_FIELDS.latencyPrefix}sum`]: seconds,
    };
    for (const le of LATENCY_BUCKETS_SECONDS)
      if (seconds <= le) fields[`${METRIC_FIELDS.latencyPrefix}bucket:${le}`] = 1;
    if (status === 429) fields[METRIC_FIELDS.rateLimited] = 1;
    this.#incr(fields);
  }

  refresh(result: 'ok' | 'invalid_grant' | 'error'): void {
    const field =
      result === 'ok'
        ? METRIC_FIELDS.refreshOk
        : result === 'invalid_grant'
          ? METRIC_FIELDS.refreshInvalidGrant
          : METRIC_FIELDS.refreshError;
    this.#incr({ [field]: 1 });
  }
}
