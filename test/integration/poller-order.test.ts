/**
 * Ordering, overlap and rate-limit behaviour of the poll workers against a Spotify that behaves
 * like the real one (slow answers, pauses, 429s), with POLL_INTERVAL_MS=500 and two workers.
 */
import type { NowPlaying } from '../../shared/events.js';
import { createLogger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { readHealth } from '../../server/ops/health.js';
import { startPollWorker, type RunningPollWorker } from '../../workers/poll.worker.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { resetLine } from '../helpers/line-reset.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { RecordingSocket } from '../helpers/socket-client.js';
import { until } from '../helpers/wait.js';

const INTERVAL = 500;
let redis: TestRedis;
let hub: TestHub;
let direct: RedisClient;
let workers: RunningPollWorker[] = [];
const sockets: RecordingSocket[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url, { env: { POLL_INTERVAL_MS: String(INTERVAL) } });
  const log = createLogger({ level: 'silent' });
  workers = [await startPollWorker(hub.config, log), await startPollWorker(hub.config, log)];
  direct = await openRedis(redis.url);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(workers.map((w) => w.close()));
  await hub?.close();
  await direct?.close();
  await redis?.dispose();
});
beforeEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  hub.sim.faults = [];
  hub.sim.latencies = [];
  await direct.del([keys.spotifyRetryAfter(), keys.spotifyRate()]);
  await resetLine(direct);
  for (const id of hub.sim.listeners.keys()) await control(id, { action: 'play' });
});

async function control(listener: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${hub.url}/sim/control/listeners/${listener}/playback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control answered ${res.status}`);
}
function viewer(): RecordingSocket {
  const s = new RecordingSocket(`${hub.url}/`);
  sockets.push(s);
  return s;
}
async function drive(listener: string): Promise<RecordingSocket> {
  await loginThroughSimulator(new CookieClient(), hub.url, listener);
  const v = viewer();
  await v.next(
    'now_playing',
    (p) => p.state === 'playing' && p.user?.display_name === hub.sim.listeners.get(listener)!.displayName,
  );
  return v;
}
const cpCalls = () => hub.sim.calls.filter((c) => c.target === 'currently-playing');
const received = (v: RecordingSocket) =>
  v.events.filter((e) => e.event === 'now_playing').map((e) => e.payload as NowPlaying);

/** No payload showing `oldId` arrives after the first one showing `newId`, and seq never goes back. */
function expectNoFlipBack(events: NowPlaying[], oldId: string, newId: string): void {
  const firstNew = events.findIndex((p) => p.item?.id === newId);
  expect(firstNew).toBeGreaterThanOrEqual(0);
  expect(events.slice(firstNew).filter((p) => p.item?.id === oldId)).toEqual([]);
  for (let i = 1; i < events.length; i++) expect(events[i]!.seq).toBeGreaterThanOrEqual(events[i - 1]!.seq);
}

describe('ordered observations', () => {
  it('never shows the old track after the new one when a slow answer outlives the 5 s time-out across a track change', async () => {
    const v = await drive('ada');
    const oldId = received(v).at(-1)!.item!.id!;
    hub.sim.latencies.push({ target: 'currently-playing', ms: 6000, remaining: 1 });
    await until(
      () => hub.sim.latencies.length,
      (n) => n === 0,
      20_000,
      'the slow call to start',
    );
    await control('ada', { action: 'next' });
    const newId = hub.sim.listeners.get('ada')!.playback.playlist[hub.sim.listeners.get('ada')!.playback.index]!;
    await v.next('now_playing', (p) => p.item?.id === newId, 20_000);
    // Let the late answer arrive and a few more polls pass.
    await until(
      () => cpCalls().filter((c) => c.answeredAt - c.at >= 5950).length,
      (n) => n >= 1,
      10_000,
      'the slow answer',
    );
    const after = cpCalls().length;
    await until(
      () => cpCalls().length,
      (n) => n >= after + 3,
      10_000,
      'three more polls',
    );
    expectNoFlipBack(received(v), oldId, newId);
  });

  it('never shows the old track after the new one when the poll lock is lost while a slow answer is in flight', async () => {
    const v = await drive('grace');
    const oldId = received(v).at(-1)!.item!.id!;
    hub.sim.latencies.push({ target: 'currently-playing', ms: 3000, remaining: 1 });
    await until(
      () => hub.sim.latencies.length,
      (n) => n === 0,
      20_000,
      'the slow call to start',
    );
    await control('grace', { action: 'next' });
    const newId = hub.sim.listeners.get('grace')!.playback.playlist[hub.sim.listeners.get('grace')!.playback.index]!;
    // As if the holder had frozen past the lock's lifetime: the other worker polls meanwhile.
    await direct.del(keys.pollLock());
    await v.next('now_playing', (p) => p.item?.id === newId, 10_000);
    await until(
      () => cpCalls().filter((c) => c.answeredAt - c.at >= 2950 && c.listenerId === 'grace').length,
      (n) => n >= 1,
      10_000,
      'the slow answer',
    );
    const after = cpCalls().length;
    await until(
      () => cpCalls().length,
      (n) => n >= after + 3,
      10_000,
      'three more polls',
    );
    expectNoFlipBack(received(v), oldId, newId);
  });
});

describe('no overlap, no false alarm', () => {
  it('never has two currently-playing calls in flight when Spotify answers in 3 s, and the watchdog restarts nothing', async () => {
    await drive('hedy');
    const from = Date.now();
    hub.sim.latencies.push({ target: 'currently-playing', ms: 3000, remaining: 3 });
    await until(
      () => cpCalls().filter((c) => c.at >= from && c.answeredAt - c.at >= 2950).length,
      (n) => n >= 3,
      30_000,
      'three slow answers',
    );
    const window = cpCalls()
      .filter((c) => c.answeredAt >= from)
      .sort((a, b) => a.at - b.at);
    const overlaps = window.slice(1).filter((c, i) => c.at < window[i]!.answeredAt);
    expect(overlaps).toEqual([]);
    expect(workers.map((w) => w.restarts())).toEqual([0, 0]);
  });
});

describe('a long pause', () => {
  it('keeps polling a turn paused for 30 s and shows the resume', async () => {
    // Playing for a minute, then paused 30 s ago, as far as Spotify (and so the hub) can tell.
    await control('katherine', { action: 'play', ago_ms: 60_000 });
    const v = await drive('katherine');
    await control('katherine', { action: 'pause', ago_ms: 30_000 });
    const paused = await v.next('now_playing', (p) => p.state === 'paused', 10_000);
    // Polling goes on while paused (its pace is the policy's, test/unit/poll-policy.test.ts).
    const seen = cpCalls().length;
    await until(
      () => cpCalls().length,
      (n) => n >= seen + 3,
      10_000,
      'three polls while paused',
    );
    const resumedAt = Date.now();
    await control('katherine', { action: 'play' });
    // How soon the resume shows is the poll benchmark's business (npm run bench).
    const resumed = await v.next('now_playing', (p) => p.state === 'playing' && p.seq > paused.seq, 10_000, resumedAt);
    expect(resumed.item?.id).toBe(paused.item?.id);
  });
});

describe('one app-wide rate limit', () => {
  const lookUp = () =>
    fetch(`${hub.url}/api/spotify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: '/v1/search?q=a&type=track' }),
    });
  const catalogCalls = () => hub.sim.calls.filter((c) => c.target === 'catalog');

  it('the catalog proxy makes no call before a Retry-After deadline the poller got, and calls again after it', async () => {
    await drive('margaret');
    hub.sim.faults.push({
      target: 'currently-playing',
      status: 429,
      retryAfterSeconds: 2,
      remaining: 1,
      plainText: false,
      delayMs: 0,
    });
    const limited = await until(
      () => cpCalls().find((c) => c.status === 429),
      (c) => c !== undefined,
      5000,
      'a 429',
    );
    // The worker has read the answer and recorded the deadline for everyone.
    await until(
      () => direct.get(keys.spotifyRetryAfter()),
      (v) => v !== null,
      5000,
      'the deadline in Redis',
    );
    const before = catalogCalls().length;
    const res = await lookUp();
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('spotify_rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(catalogCalls().length).toBe(before);
    await until(
      () => direct.get(keys.spotifyRetryAfter()),
      (v) => v === null || Number(v) <= Date.now(),
      5000,
      'the deadline to pass',
    );
    expect((await lookUp()).status).toBe(200);
    expect(catalogCalls().filter((c) => c.at < limited!.at + 2000)).toHaveLength(before);
  });

  it('a 429 answered to the proxy holds the poller back too, and a QUOTA_EXCEEDED one shows as such to operators', async () => {
    await drive('ada');
    hub.sim.faults.push({
      target: 'catalog',
      status: 429,
      retryAfterSeconds: 2,
      remaining: 1,
      plainText: false,
      delayMs: 0,
      reason: 'QUOTA_EXCEEDED',
    });
    const res = await lookUp();
    expect(res.status).toBe(503);
    const at = Date.now();
    const health = await readHealth(direct);
    expect(health.spotify_limit).toBe('quota_exceeded');
    expect(health.spotify_retry_after).toBeGreaterThan(at);
    const deadline = health.spotify_retry_after!;
    const next = await until(
      () => cpCalls().find((c) => c.at >= at),
      (c) => c !== undefined,
      10_000,
      'the next poll',
    );
    expect(next!.at).toBeGreaterThanOrEqual(deadline);
    expect((await readHealth(direct)).spotify_limit).toBeNull();
  });

  it('a plain 429 shows as a short rate limit', async () => {
    hub.sim.faults.push({
      target: 'catalog',
      status: 429,
      retryAfterSeconds: 1,
      remaining: 1,
      plainText: false,
      delayMs: 0,
    });
    expect((await lookUp()).status).toBe(503);
    expect((await readHealth(direct)).spotify_limit).toBe('rate_limited');
  });
});
