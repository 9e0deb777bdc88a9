/**
 * Changes the hub itself causes do not wait for the next poll: a turn that starts on login, an
 * operator skip, pause and resume each ask the workers for an immediate currently-playing call.
 * The poll interval here is a minute, so any call within the test's wait comes from those requests.
 */
import { createLogger } from '../../shared/logger.js';
import { startPollWorker, type RunningPollWorker } from '../../workers/poll.worker.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { until } from '../helpers/wait.js';

let redis: TestRedis;
let hub: TestHub;
let worker: RunningPollWorker;
const OPERATOR = { authorization: 'Bearer operator-token-for-tests' };

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url, { env: { POLL_INTERVAL_MS: '60000' } });
  worker = await startPollWorker(hub.config, createLogger({ level: 'silent' }), { slowMs: 1000 });
});
afterAll(async () => {
  await worker?.close();
  await hub?.close();
  await redis?.dispose();
});

const pollsFor = (listener: string, since: number) =>
  hub.sim.calls.filter((c) => c.target === 'currently-playing' && c.listenerId === listener && c.at >= since).length;

describe('poll at once', () => {
  it('polls a driver whose turn starts on login without waiting for the interval', async () => {
    const since = Date.now();
    await loginThroughSimulator(new CookieClient(), hub.url, 'ada');
    await until(
      () => pollsFor('ada', since),
      (n) => n >= 1,
      20_000,
      'a poll for the new driver',
    );
  });

  it('polls the next driver at once after an operator skip', async () => {
    await loginThroughSimulator(new CookieClient(), hub.url, 'grace');
    const since = Date.now();
    const res = await fetch(`${hub.url}/api/operator/skip`, { method: 'POST', headers: OPERATOR });
    expect(res.status).toBe(200);
    await until(
      () => pollsFor('grace', since),
      (n) => n >= 1,
      20_000,
      'a poll for the next driver',
    );
  });

  it('polls at once after the operator pauses and after they resume', async () => {
    let since = Date.now();
    await fetch(`${hub.url}/api/operator/pause`, { method: 'POST', headers: OPERATOR });
    await until(
      () => pollsFor('grace', since),
      (n) => n >= 1,
      20_000,
      'a poll after pause',
    );
    since = Date.now();
    await fetch(`${hub.url}/api/operator/resume`, { method: 'POST', headers: OPERATOR });
    await until(
      () => pollsFor('grace', since),
      (n) => n >= 1,
      20_000,
      'a poll after resume',
    );
  });
});
