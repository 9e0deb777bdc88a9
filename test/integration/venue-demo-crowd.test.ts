/** DEMO_CROWD mixes guests (with picks, through the phone's routes) and members: both kinds take turns. */
import { createLogger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis.js';
import { Line } from '../../shared/queue/line.js';
import { startDemoCrowd, type DemoCrowd } from '../../bin/demo-crowd.js';
import { startPollWorker, type RunningPollWorker } from '../../workers/poll.worker.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { RecordingSocket } from '../helpers/socket-client.js';

let redis: TestRedis;
let hub: TestHub;
let db: RedisClient;
let worker: RunningPollWorker;
let crowd: DemoCrowd;
let viewer: RecordingSocket;

beforeAll(async () => {
  redis = await startTestRedis();
  db = await openRedis(redis.url);
  hub = await startTestHub(redis.url, { env: { POLL_INTERVAL_MS: '250', TURN_SECONDS: '600', IDLE_SECONDS: '600' } });
  const log = createLogger({ level: 'silent' });
  worker = await startPollWorker(hub.config, log, { slowMs: 1000 });
  viewer = new RecordingSocket(`${hub.url}/`);
  crowd = startDemoCrowd(hub.sim, hub.url, 2, log);
}, 60_000);
afterAll(async () => {
  crowd?.stop();
  viewer?.close();
  await worker?.close();
  await hub?.close();
  await db?.close();
  await redis?.dispose();
});

it('a member and a guest of the crowd both drive: the guest with their picks on the venue account', async () => {
  // Whoever arrives first drives first (logins and joins race); the crew skips them, the other takes over.
  const first = await viewer.next(
    'now_playing',
    (p) => (p.user?.kind === 'spotify' || p.user?.kind === 'guest') && p.state === 'playing',
    30_000,
  );
  const other = first.user?.kind === 'spotify' ? 'guest' : 'spotify';
  const line = new Line(db, { turnSeconds: hub.config.turnSeconds, idleSeconds: hub.config.idleSeconds });
  const skippedAt = Date.now();
  await line.skip();
  const second = await viewer.next(
    'now_playing',
    (p) => p.user?.kind === other && p.state === 'playing',
    30_000,
    skippedAt,
  );
  const [member, guest] = first.user?.kind === 'spotify' ? [first, second] : [second, first];
  expect(member.user?.display_name).toMatch(/demo 1/);
  expect(guest.user?.display_name).toMatch(/guest 2/);
  expect(guest.item?.uri).toMatch(/^spotify:track:/);
});
