/**
 * Prometheus metrics (prom-client): this process's sockets per namespace, the line length, and
 * the poll workers' counters, which the workers keep in Redis so any server reports the fleet.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { LATENCY_BUCKETS_SECONDS, METRIC_FIELDS } from '../../shared/ops/poll-status.js';
import { NAMESPACES, type NamespaceName } from '../../shared/realtime/fanout.js';

/** A histogram whose numbers come from elsewhere: prom-client has no setter, so we rebuild it. */
class ExternalHistogram extends Histogram<never> {
  load(buckets: Map<number, number>, sum: number, count: number): void {
    this.reset();
    const h = this as unknown as { hashMap: Record<string, { value: number; labels: object; bucketValues: Record<number, number>; count: number; sum: number }> };
    const bucketValues: Record<number, number> = {};
    let previous = 0;
    for (const le of LATENCY_BUCKETS_SECONDS) {
      // Stored buckets are cumulative already; prom-client stores per-bucket counts.
      const cumulative = buckets.get(le) ?? previous;
      bucketValues[le] = cumulative - previous;
      previous = cumulative;
    }
    h.hashMap[''] = { value: 0, labels: {}, bucketValues, count, sum };
  }
}

export function createMetrics(deps: { redis: RedisClient; socketCount: (nsp: NamespaceName) => number }): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'nph_process_' });
  const { redis } = deps;

  new Gauge({
    name: 'nph_sockets',
    help: 'Connected Socket.IO clients on this server process, per namespace',
    labelNames: ['namespace'],
    registers: [registry],
    collect() {
      for (const nsp of NAMESPACES) this.set({ namespace: nsp }, deps.socketCount(nsp));
    },
  });

  new Gauge({
    name: 'nph_line_length',
    help: 'Audience members waiting in the line',
    registers: [registry],
    async collect() {
      this.set(await redis.lLen(keys.line()).catch(() => 0));
    },
  });

  const fleet = async () => redis.hGetAll(keys.metrics()).catch(() => ({}) as Record<string, string>);
  let snapshot: Record<string, string> = {};

  const polls = new Counter({ name: 'nph_polls_total', help: 'Poll jobs run by the workers', registers: [registry] });
  const refreshes = new Counter({ name: 'nph_token_refreshes_total', help: 'Spotify token refreshes by result', labelNames: ['result'], registers: [registry] });
  const limited = new Counter({ name: 'nph_spotify_rate_limited_total', help: 'Spotify 429 answers', registers: [registry] });
  const statuses = new Counter({ name: 'nph_spotify_responses_total', help: 'Spotify Web API answers by endpoint and status', labelNames: ['endpoint', 'status'], registers: [registry] });
  const latency = new ExternalHistogram({ name: 'nph_spotify_request_duration_seconds', help: 'Spotify Web API latency', buckets: [...LATENCY_BUCKETS_SECONDS], registers: [registry] });

  // Before each scrape, load the fleet's counters from Redis.
  const originalMetrics = registry.metrics.bind(registry);
  registry.metrics = async () => {
    snapshot = await fleet();
    const n = (field: string) => Number(snapshot[field] ?? 0);
    polls.reset();
    polls.inc(n(METRIC_FIELDS.polls));
    refreshes.reset();
    refreshes.inc({ result: 'ok' }, n(METRIC_FIELDS.refreshOk));
    refreshes.inc({ result: 'invalid_grant' }, n(METRIC_FIELDS.refreshInvalidGrant));
    refreshes.inc({ result: 'error' }, n(METRIC_FIELDS.refreshError));
    limited.reset();
    limited.inc(n(METRIC_FIELDS.rateLimited));
    statuses.reset();
    const buckets = new Map<number, number>();
    for (const [field, value] of Object.entries(snapshot)) {
      if (field.startsWith(METRIC_FIELDS.statusPrefix)) {
        const [endpoint, status] = field.slice(METRIC_FIELDS.statusPrefix.length).split(':');
        statuses.inc({ endpoint: endpoint ?? 'unknown', status: status ?? 'unknown' }, Number(value));
      } else if (field.startsWith(`${METRIC_FIELDS.latencyPrefix}bucket:`)) {
        buckets.set(Number(field.split(':')[1]), Number(value));
      }
    }
    latency.load(buckets, n(`${METRIC_FIELDS.latencyPrefix}sum`), n(`${METRIC_FIELDS.latencyPrefix}count`));
    return originalMetrics();
  };
  return registry;
}
