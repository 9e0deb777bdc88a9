/**
 * Expected start-up states are not errors: `/readyz` answers 503 until the first poll (a load
 * balancer asks every few seconds), and that must not fill the log with error lines and stacks.
 */
import { captureLog } from '../helpers/log-capture.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { until } from '../helpers/wait.js';

let redis: TestRedis;
let hub: TestHub;
const captured = captureLog('info');

beforeAll(async () => {
  redis = await startTestRedis();
  // A server with no poll worker: not ready, as during start-up.
  hub = await startTestHub(redis.url, { log: captured.log });
});
afterAll(async () => {
  await hub?.close();
  await redis?.dispose();
});

describe('/readyz before the first poll', () => {
  it('answers 503 without an error-level line or a stack in the log', async () => {
    const res = await fetch(`${hub.url}/readyz`);
    expect(res.status).toBe(503);
    // A request logged after it marks the point by which /readyz's line would have been written.
    expect((await fetch(`${hub.url}/no-such-page`)).status).toBe(404);
    await until(
      () => captured.lines.some((l) => l.includes('/no-such-page')),
      (ok) => ok,
      5000,
      'the 404 logged',
    );
    const records = captured.lines.map(
      (l) => JSON.parse(l) as { level: number; err?: { stack?: string }; req?: { url?: string } },
    );
    expect(records.filter((r) => r.level >= 50)).toEqual([]);
    expect(records.filter((r) => r.err?.stack !== undefined)).toEqual([]);
  });
});
