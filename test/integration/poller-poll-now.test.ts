/** "Poll at once" (turn start, operator commands): requestPollNow makes the workers call Spotify without waiting for the schedule. */
import { createLogger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { createPollTrigger, type PollTrigger } from '../../shared/ops/poll-now.js';
import { startPollWorker, type RunningPollWorker } from '../../workers/poll.worker.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { RecordingSocket } from '../helpers/socket-client.js';
import { until } from '../helpers/wait.js';

const IDLE_MS = 4000;
let redis: TestRedis;
let hub: TestHub;
let direct: RedisClient;
let worker: RunningPollWorker;
let trigger: PollTrigger;
let viewer: RecordingSocket;

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url, { env: { POLL_INTERVAL_MS: '500' } });
  worker = await startPollWorker(hub.config, createLogger({ level: 'silent' }), { slowMs: IDLE_MS });
  direct = await openRedis(redis.url);
  trigger = createPollTrigger(direct, keys.pollNowChannel());
});
afterAll(async () => {
  viewer?.close();
  await worker?.close();
  await hub?.close();
  await direct?.close();
  await redis?.dispose();
});

const cpCalls = () => hub.sim.calls.filter((c) => c.target === 'currently-playing');

it('calls Spotify at once when asked, even while a turn with nothing playing is polled slowly', async () => {
  await loginThroughSimulator(new CookieClient(), hub.url, 'ada');
  viewer = new RecordingSocket(`${hub.url}/`);
  await viewer.next('now_playing', (p) => p.state === 'playing');
  await fetch(`${hub.url}/sim/control/listeners/ada/playback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'nothing' }),
  });
  await viewer.next('now_playing', (p) => p.state === 'idle');
  // The next answer after the idle one is due IDLE_MS later; ask right after an idle answer.
  const seen = cpCalls().length;
  const idleCall = (await until(
    () =>
      cpCalls()
        .slice(seen)
        .find((c) => c.status === 204),
    (c) => c !== undefined,
    10_000,
    'an idle answer',
  ))!;
  await trigger.pollNow();
  const next = (await until(
    () => cpCalls().find((c) => c.at > idleCall.at),
    (c) => c !== undefined,
    10_000,
    'the next call',
  ))!;
  expect(next.at - idleCall.at).toBeLessThan(IDLE_MS);
});
