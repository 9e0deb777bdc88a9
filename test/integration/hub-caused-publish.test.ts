/**
 * Changes the hub itself causes (an operator's pause, resume or skip) reach screens without waiting
 * for Spotify: with every currently-playing answer slowed to 3 s, the `now_playing` showing the
 * change arrives before any answer to a call made after the command.
 */
import { createLogger } from '../../shared/logger.js';
import type { NowPlaying } from '../../shared/events.js';
import { startPollWorker, type RunningPollWorker } from '../../workers/poll.worker.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { RecordingSocket } from '../helpers/socket-client.js';

let redis: TestRedis;
let hub: TestHub;
let worker: RunningPollWorker;
let viewer: RecordingSocket;
let crew: CookieClient;

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url, { env: { POLL_INTERVAL_MS: '500', TURN_SECONDS: '600', IDLE_SECONDS: '600' } });
  worker = await startPollWorker(hub.config, createLogger({ level: 'silent' }), { slowMs: 8000 });
  crew = new CookieClient();
  await crew.request(`${hub.url}/api/operator/login`, { json: { token: 'operator-token-for-tests' } });
}, 60_000);
afterAll(async () => {
  viewer?.close();
  await worker?.close();
  await hub?.close();
  await redis?.dispose();
});

const control = (method: string, path: string, body?: unknown) =>
  fetch(`${hub.url}/sim/control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Sends the command, waits for the `now_playing` that shows it, and lists Spotify answers that came first. */
async function answeredBeforeShown(command: string, shows: (p: NowPlaying) => boolean): Promise<unknown[]> {
  const sentAt = Date.now();
  const res = await crew.request(`${hub.url}/api/operator/${command}`, { method: 'POST', json: {} });
  expect(res.status).toBe(200);
  await viewer.next('now_playing', shows, 10_000);
  const shownBy = Date.now();
  return hub.sim.calls.filter((c) => c.target === 'currently-playing' && c.at >= sentAt && c.answeredAt <= shownBy);
}

it('shows an operator’s pause, resume and skip before Spotify answers', async () => {
  await loginThroughSimulator(new CookieClient(), hub.url, 'ada');
  await loginThroughSimulator(new CookieClient(), hub.url, 'grace');
  viewer = new RecordingSocket(`${hub.url}/`);
  await viewer.next('now_playing', (p) => p.user?.display_name === 'Ada Lovelace' && p.turn_ends_at !== null);
  expect((await control('POST', '/latency', { target: 'currently-playing', ms: 3000, times: 100 })).status).toBe(201);
  try {
    expect(
      await answeredBeforeShown('pause', (p) => p.user?.display_name === 'Ada Lovelace' && p.turn_ends_at === null),
    ).toEqual([]);
    expect(
      await answeredBeforeShown('resume', (p) => p.user?.display_name === 'Ada Lovelace' && p.turn_ends_at !== null),
    ).toEqual([]);
    expect(await answeredBeforeShown('skip', (p) => p.user?.display_name?.startsWith('Grace') === true)).toEqual([]);
  } finally {
    await control('DELETE', '/latency');
  }
});
