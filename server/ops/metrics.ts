/**
 * Prometheus metrics (prom-client): this process's sockets per namespace, the line length, and
 * the poll workers' counters, which the workers keep in Redis so any server reports the fleet.
 */
import {
  Counter,
  Gauge,
  Registry,
  collectDefaultMetrics,
  type Histogram,
  type MetricObjectWithValues,
  type MetricValueWithName,
  type MetricType,
} from 'prom-client';
import type { RedisClient } from '../../shared/redis.js';
import type { DirectWriteCounts } from '../realtime/direct-frame-write.js';
import { keys } from '../../shared/redis-keys.js';
import { LATENCY_BUCKETS_SECONDS, METRIC_FIELDS } from '../../shared/ops/poll-status.js';
import { NAMESPACES, type NamespaceName } from '../../shared/realtime/fanout.js';

/** The fleet's latency histogram as the workers keep it in Redis: cumulative buckets, sum, count. */
interface FleetLatency {
  buckets: Map<number, number>;
  sum: number;
  count: number;
}

/**
 * A histogram whose numbers come from elsewhere (the workers' Redis counters). prom-client's
 * Histogram can only observe, so this is a metric of its own: the registry accepts any metric
 * with a `name` and an async `get()` answering the metric object (the public contract its own
 * metrics follow).
 */
class FleetHistogram {
  readonly name: string;
  readonly help: string;
  readonly #load: () => Promise<FleetLatency>;

  constructor(config: { name: string; help: string; load: () => Promise<FleetLatency> }) {
    this.name = config.name;
    this.help = config.help;
    this.#load = config.load;
  }

  async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const data = await this.#load();
    const values: MetricValueWithName<string>[] = [];
    let previous = 0;
    for (const le of LATENCY_BUCKETS_SECONDS) {
      // Stored buckets are cumulative already; a bucket never seen holds the one below it.
      previous = data.buckets.get(le) ?? previous;
      values.push({ metricName: `${this.name}_bucket`, labels: { le }, value: previous });
    }
    values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf' }, value: data.count });
    values.push({ metricName: `${this.name}_sum`, labels: {}, value: data.sum });
    values.push({ metricName: `${this.name}_count`, labels: {}, value: data.count });
    // prom-client declares MetricType as a numeric enum but writes and reads the string at run time.
    const type = 'histogram' as unknown as MetricType;
    return { name: this.name, help: this.help, type, aggregator: 'sum', collect: () => undefined, values };
  }

  reset(): void {
    // Nothing kept here: every scrape reads the fleet's counters afresh.
  }
}

export function createMetrics(deps: {
  redis: RedisClient;
  socketCount: (nsp: NamespaceName) => number;
  /** This process's broadcast packets by path (server/realtime/direct-frame-write.ts). */
  broadcastWrites?: DirectWriteCounts;
}): Registry {
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

  const writes = deps.broadcastWrites;
  if (writes) {
    new Counter({
      name: 'nph_socket_writes_total',
      help: 'Packets to sockets on this server: "direct" broadcast frames written straight to the socket, "engine" through Engine.IO',
      labelNames: ['path'],
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ path: 'direct' }, writes.direct);
        this.inc({ path: 'engine' }, writes.engine);
      },
    });
  }

  new Gauge({
    name: 'nph_line_length',
    help: 'Audience members waiting in the line',
    registers: [registry],
    async collect() {
      this.set(await redis.lLen(keys.line()).catch(() => 0));
    },
  });

  // The workers' counters, read once per scrape however many metrics need them.
  let fleetRead: { at: number; data: Promise<Record<string, string>> } | null = null;
  const fleet = (): Promise<Record<string, string>> => {
    const now = Date.now();
    if (!fleetRead || now - fleetRead.at > 500) {
      fleetRead = { at: now, data: redis.hGetAll(keys.metrics()).catch(() => ({})) };
    }
    return fleetRead.data;
  };
  const count = (snapshot: Record<string, string>, field: string) => Number(snapshot[field] ?? 0);

  /** A counter the workers keep in the shared hash: read afresh at each scrape, filled by `fill`. */
  const fleetCounter = (
    name: string,
    help: string,
    labelNames: string[],
    fill: (counter: Counter<string>, snapshot: Record<string, string>) => void,
  ) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const snapshot = await fleet();
        this.reset();
        fill(this, snapshot);
      },
    });

  fleetCounter('nph_polls_total', 'Poll jobs run by the workers', [], (c, snapshot) =>
    c.inc(count(snapshot, METRIC_FIELDS.polls)),
  );
  fleetCounter('nph_token_refreshes_total', 'Spotify token refreshes by result', ['result'], (c, snapshot) => {
    c.inc({ result: 'ok' }, count(snapshot, METRIC_FIELDS.refreshOk));
    c.inc({ result: 'invalid_grant' }, count(snapshot, METRIC_FIELDS.refreshInvalidGrant));
    c.inc({ result: 'error' }, count(snapshot, METRIC_FIELDS.refreshError));
  });
  fleetCounter('nph_spotify_rate_limited_total', 'Spotify 429 answers', [], (c, snapshot) =>
    c.inc(count(snapshot, METRIC_FIELDS.rateLimited)),
  );
  fleetCounter(
    'nph_spotify_responses_total',
    'Spotify Web API answers by endpoint and status',
    ['endpoint', 'status'],
    (c, snapshot) => {
      for (const [field, value] of Object.entries(snapshot)) {
        if (!field.startsWith(METRIC_FIELDS.statusPrefix)) continue;
        const [endpoint, status] = field.slice(METRIC_FIELDS.statusPrefix.length).split(':');
        c.inc({ endpoint: endpoint ?? 'unknown', status: status ?? 'unknown' }, Number(value));
      }
    },
  );
  const latency = new FleetHistogram({
    name: 'nph_spotify_request_duration_seconds',
    help: 'Spotify Web API latency',
    async load() {
      const snapshot = await fleet();
      const buckets = new Map<number, number>();
      for (const [field, value] of Object.entries(snapshot)) {
        if (field.startsWith(`${METRIC_FIELDS.latencyPrefix}bucket:`))
          buckets.set(Number(field.split(':')[1]), Number(value));
      }
      return {
        buckets,
        sum: count(snapshot, `${METRIC_FIELDS.latencyPrefix}sum`),
        count: count(snapshot, `${METRIC_FIELDS.latencyPrefix}count`),
      };
    },
  });
  // The registry's TypeScript signature names its four metric classes; at run time it takes any
  // metric with a name and get(), which is what FleetHistogram is.
  registry.registerMetric(latency as unknown as Histogram);
  return registry;
}
