/** `/healthz` (liveness), `/readyz` (Redis and a recent poll), `/metrics` (Prometheus text). */
import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { RedisClient } from '../../shared/redis.js';
import { isReady, readHealth } from './health.js';
import { localOrToken } from '../http/local-or-token.js';

export function opsRoutes(deps: {
  redis: RedisClient;
  metrics: Registry;
  maxPollAgeMs: number;
  metricsToken: string | null;
}): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const health = await readHealth(deps.redis);
    const ready = isReady(health, deps.maxPollAgeMs);
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({
        ready,
        redis: health.redis,
        last_poll_age_ms: health.last_poll_age_ms,
        spotify_retry_after: health.spotify_retry_after,
      });
  });

  // Counts of sockets, polls and failures help an attacker time things: loopback or METRICS_TOKEN.
  router.get('/metrics', localOrToken(deps.metricsToken, '/metrics'), async (_req, res) => {
    res.set('Content-Type', deps.metrics.contentType).send(await deps.metrics.metrics());
  });

  return router;
}
