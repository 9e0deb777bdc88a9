import { createLogger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis.js';
import { Line } from '../../shared/queue/line.js';
import { startPollWorker, type RunningPollWorker } from '../../workers/poll.worker.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { resetLine } from '../helpers/line-reset.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { RecordingSocket } from '../helpers/socket-client.js';
import { until } from '../helpers/wait.js';

const INTERVAL = 250;
let redis: TestRedis;
let hub: TestHub;
let direct: RedisClient;
let line: Line;
let workers: RunningPollWorker[] = [];
const sockets: RecordingSocket[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url, { env: { POLL_INTERVAL_MS: String(INTERVAL) } });
  const log = createLogger({ level: 'silent' });
  // Two workers: everything below must hold with more than one.
  workers = [
    await startPollWorker(hub.config, log, { slowMs: 1000 }),
    await startPollWorker(hub.config, log, { slowMs: 1000 }),
  ];
  direct = await openRedis(redis.url);
  line = new Line(direct, { turnSeconds: hub.config.turnSeconds, idleSeconds: hub.config.idleSeconds });
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
function socket(opts: ConstructorParameters<typeof RecordingSocket>[1] = {}, nsp = '/'): RecordingSocket {
  const s = new RecordingSocket(`${hub.url}${nsp}`, opts);
  sockets.push(s);
  return s;
}
async function logIn(listener: string): Promise<{ client: CookieClient; socket: RecordingSocket }> {
  const client = new CookieClient();
  await loginThroughSimulator(client, hub.url, listener);
  return { client, socket: socket({ cookie: client.cookieHeader(hub.url) }) };
}
const calls = (target: string) => hub.sim.calls.filter((c) => c.target === target);
const episodeId = () => hub.sim.catalog.episodes.keys().next().value as string;

describe('poll worker and fan-out', () => {
  it('sends the current state to a new socket and the active user’s track change', async () => {
    await logIn('ada');
    const viewer = socket();
    const first = await viewer.next(
      'now_playing',
      (p) => p.state === 'playing' && p.user?.display_name === 'Ada Lovelace',
    );
    expect(first.item?.type).toBe('track');
    expect(first.turn_ends_at).toBeGreaterThan(Date.now());
    const late = socket();
    const onConnect = await late.next('now_playing');
    expect(onConnect.seq).toBeGreaterThanOrEqual(first.seq);

    const changedAt = Date.now();
    await control('ada', { action: 'next' });
    const changed = await viewer.next('now_playing', (p) => p.item?.id !== first.item?.id, 5000, changedAt);
    // How fast is the poll benchmark's business (npm run bench); here: the change arrives, fresh.
    expect(changed.seq).toBeGreaterThan(first.seq);
    expect(changed.progress_ms).toBeLessThan(2000);
  });

  it('gives playing, paused, idle for 204 and ads, and episodes as items', async () => {
    await logIn('grace');
    const viewer = socket();
    await viewer.next('now_playing', (p) => p.state === 'playing');
    let t = Date.now();
    await control('grace', { action: 'pause' });
    const paused = await viewer.next('now_playing', (p) => p.state === 'paused', 5000, t);
    expect(paused.is_playing).toBe(false);
    expect(paused.item).not.toBeNull();

    t = Date.now();
    await control('grace', { action: 'nothing' });
    expect(await viewer.next('now_playing', (p) => p.state === 'idle', 5000, t)).toMatchObject({
      item: null,
      is_playing: false,
      user: { display_name: 'Grace Hopper' },
    });
    expect(calls('currently-playing').some((c) => c.status === 204)).toBe(true);

    t = Date.now();
    await control('grace', { action: 'item', item_id: episodeId(), progress_ms: 60_000 });
    const episode = await viewer.next('now_playing', (p) => p.item?.type === 'episode', 5000, t);
    expect(episode).toMatchObject({ state: 'playing', is_playing: true, item: { id: episodeId() } });
    expect(episode.item!.album.images.length).toBeGreaterThan(0);
    expect(episode.progress_ms).toBeGreaterThanOrEqual(60_000);

    t = Date.now();
    await control('grace', { action: 'ad' });
    expect(await viewer.next('now_playing', (p) => p.item === null, 5000, t)).toMatchObject({
      state: 'idle',
      is_playing: false,
    });
  });

  it('refreshes an access token that expires mid-turn and keeps the events coming', async () => {
    const { socket: phone } = await logIn('hedy');
    const viewer = socket();
    const first = await viewer.next(
      'now_playing',
      (p) => p.state === 'playing' && p.user?.display_name === 'Hedy Lamarr',
    );
    const refreshesBefore = calls('token:refresh_token').length;
    for (const token of hub.sim.accessTokens.values()) if (token.listenerId === 'hedy') token.expiresAt = 0;
    await until(
      () => calls('token:refresh_token').length,
      (n) => n > refreshesBefore,
      5000,
      'a refresh',
    );
    const t = Date.now();
    await control('hedy', { action: 'next' });
    await viewer.next('now_playing', (p) => p.item?.id !== first.item?.id, 2 * INTERVAL + 300, t);
    expect(calls('currently-playing').some((c) => c.status === 401 && c.listenerId === 'hedy')).toBe(true);
    expect(phone.events.some((e) => e.event === 'you' && (e.payload as { state: string }).state === 'out')).toBe(false);
  });

  it('honours a 429 Retry-After of 3 s: no Spotify call from any worker before it', async () => {
    await logIn('alan');
    const viewer = socket();
    await viewer.next('now_playing', (p) => p.state === 'playing');
    hub.sim.faults.push({
      target: 'currently-playing',
      status: 429,
      retryAfterSeconds: 3,
      remaining: 1,
      plainText: false,
      delayMs: 0,
    });
    const limited = await until(
      () => calls('currently-playing').find((c) => c.status === 429),
      (c) => c !== undefined,
      5000,
      'a 429',
    );
    const after = await until(
      () => calls('currently-playing').find((c) => c.at > limited!.at),
      (c) => c !== undefined,
      8000,
      'the next call',
    );
    // Not before Retry-After (how soon after is the poll benchmark's business).
    expect(after!.at - limited!.at).toBeGreaterThanOrEqual(3000);
  });

  it('ends the turn on invalid_grant, tells that user and moves the line on', async () => {
    const ada = await logIn('ada');
    const grace = await logIn('grace');
    await ada.socket.next('you', (y) => y.state === 'active');
    await grace.socket.next('you', (y) => y.state === 'waiting' && y.position === 1);
    await fetch(`${hub.url}/sim/control/tokens/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ listener_id: 'ada' }),
    });
    expect(await ada.socket.next('you', (y) => y.state === 'out')).toMatchObject({ reason: 'revoked' });
    await grace.socket.next('you', (y) => y.state === 'active');
    await socket().next('now_playing', (p) => p.user?.display_name === 'Grace Hopper');
    const me = JSON.parse((await ada.client.request(`${hub.url}/api/me`)).body);
    expect(me.queue).toMatchObject({ state: 'out', reason: 'revoked' });
    // Without tokens, rejoining asks for a new login.
    expect((await ada.client.request(`${hub.url}/api/queue/join`, { method: 'POST' })).status).toBe(401);
  });

  it('ends the turn of a listener Spotify calls not registered (403)', async () => {
    const k = await logIn('katherine');
    await k.socket.next('you', (y) => y.state === 'active');
    hub.sim.listeners.get('katherine')!.notRegistered = true;
    try {
      expect(await k.socket.next('you', (y) => y.state === 'out')).toMatchObject({ reason: 'not_registered' });
    } finally {
      hub.sim.listeners.get('katherine')!.notRegistered = false;
    }
  });

  it('rotates turns when the time runs out', async () => {
    const ada = await logIn('ada');
    const grace = await logIn('grace');
    await ada.socket.next('you', (y) => y.state === 'active');
    // A turn of 1 s for the next turn, then the operator hands the turn to grace.
    await line.updateSettings({ turnSeconds: 1 });
    await fetch(`${hub.url}/api/operator/skip`, {
      method: 'POST',
      headers: { authorization: 'Bearer operator-token-for-tests' },
    });
    await grace.socket.next('you', (y) => y.state === 'active');
    expect(await grace.socket.next('you', (y) => y.state === 'out', 5000)).toMatchObject({ reason: 'turn_over' });
  });

  it('rotates turns when the active user has nothing playing for IDLE_SECONDS', async () => {
    await line.updateSettings({ idleSeconds: 1 });
    const m = await logIn('margaret');
    const h = await logIn('hedy');
    await m.socket.next('you', (y) => y.state === 'active');
    await control('margaret', { action: 'pause' });
    expect(await m.socket.next('you', (y) => y.state === 'out', 6000)).toMatchObject({ reason: 'idle' });
    await h.socket.next('you', (y) => y.state === 'active');
  });
});

describe('operator', () => {
  const op = (path: string, body?: unknown, method = 'POST') =>
    fetch(`${hub.url}/api/operator/${path}`, {
      method,
      headers: { authorization: 'Bearer operator-token-for-tests', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('refuses the /operator and /bridge namespaces without the right token', async () => {
    for (const [nsp, auth] of [
      ['/operator', undefined],
      ['/operator', { token: 'wrong' }],
      ['/bridge', { token: 'operator-token-for-tests' }],
    ] as const) {
      const s = socket(auth ? { auth: { ...auth } } : {}, nsp);
      await expect(s.connected()).rejects.toThrow(/token/);
    }
    const ok = socket({ auth: { token: 'bridge-token-for-tests' } }, '/bridge');
    await ok.connected();
    await ok.next('now_playing');
  });

  it('refuses commands without an operator session or token', async () => {
    const res = await fetch(`${hub.url}/api/operator/skip`, { method: 'POST' });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('operator_auth_required');
    const bad = await fetch(`${hub.url}/api/operator/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'nope' }),
    });
    expect(bad.status).toBe(401);
  });

  it('skips, moves, removes, pauses and resumes, and operators see each change', async () => {
    const dash = socket({ auth: { token: 'operator-token-for-tests' } }, '/operator');
    await dash.connected();
    const ada = await logIn('ada');
    const grace = await logIn('grace');
    const hedy = await logIn('hedy');
    await dash.next('queue_full', (q) => q.active?.user_id === 'ada' && q.waiting.length === 2);

    const queue = await (await op('queue', undefined, 'GET')).json();
    expect(queue.waiting.map((w: { user_id: string }) => w.user_id)).toEqual(['grace', 'hedy']);
    expect(queue.active).toMatchObject({ user_id: 'ada', display_name: 'Ada Lovelace' });

    expect((await op('move', { userId: 'hedy', position: 1 })).status).toBe(200);
    await hedy.socket.next('you', (y) => y.state === 'waiting' && y.position === 1);
    await dash.next('queue_full', (q) => q.waiting[0]?.user_id === 'hedy');

    expect(await (await op('skip')).json()).toEqual({ skipped: 'ada' });
    expect(await ada.socket.next('you', (y) => y.state === 'out')).toMatchObject({ reason: 'turn_over' });
    await hedy.socket.next('you', (y) => y.state === 'active');
    await socket().next('now_playing', (p) => p.user?.display_name === 'Hedy Lamarr');

    expect((await op('remove', { userId: 'grace' })).status).toBe(200);
    expect(await grace.socket.next('you', (y) => y.state === 'out')).toMatchObject({ reason: 'removed' });
    expect((await op('remove', { userId: 'grace' })).status).toBe(409);

    expect((await op('pause')).status).toBe(200);
    await dash.next('queue_full', (q) => q.paused && q.active?.turn_ends_at === null);
    expect((await op('resume')).status).toBe(200);
    await dash.next('queue_full', (q) => !q.paused && (q.active?.turn_ends_at ?? 0) > Date.now());

    const settings = await op('settings', { turnSeconds: 120, idleSeconds: 30 }, 'PUT');
    expect(await settings.json()).toEqual({ turnSeconds: 120, idleSeconds: 30 });
    expect((await op('settings', { turnSeconds: 3 }, 'PUT')).status).toBe(400);
    expect((await op('move', { userId: 'ada', position: 'first' })).status).toBe(400);
  });

  it('pauses the rotation: a turn that would end does not while paused, and does once resumed', async () => {
    const ada = await logIn('ada');
    await logIn('grace');
    await ada.socket.next('you', (y) => y.state === 'active');
    expect((await op('pause')).status).toBe(200);
    // An idle window far shorter than the wait below: were the rotation running, this turn would end.
    await line.updateSettings({ idleSeconds: 1 });
    await control('ada', { action: 'pause' });
    const idleFrom = Date.now();
    // Polls go on well past the idle window with nothing playing (or, were pause broken, ada is out).
    await until(
      () => ({
        polls: calls('currently-playing').filter((c) => c.at > idleFrom + 2000).length,
        out: ada.socket.events.some((e) => e.event === 'you' && (e.payload as { state: string }).state === 'out'),
      }),
      (v) => v.polls >= 3 || v.out,
      10_000,
      'three polls after the idle window',
    );
    const me = JSON.parse((await ada.client.request(`${hub.url}/api/me`)).body);
    expect(me.queue.state).toBe('active');
    // The control: the same turn, resumed, ends as idle — so the wait above was long enough to end it.
    expect((await op('resume')).status).toBe(200);
    expect(await ada.socket.next('you', (y) => y.state === 'out', 10_000)).toMatchObject({ reason: 'idle' });
  });

  it('serves health to operators and on /readyz and /metrics', async () => {
    await logIn('ada');
    const dash = socket({ auth: { token: 'operator-token-for-tests' } }, '/operator');
    const health = await dash.next('health', (h) => h.clients['/operator'] >= 1, 6000);
    expect(health).toMatchObject({ redis: true, bridge_connected: false });
    expect(health.last_poll_age_ms).toBeLessThan(5000);
    const ready = await fetch(`${hub.url}/readyz`);
    expect(ready.status).toBe(200);
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/nph_polls_total \d+/);
    expect(metrics).toMatch(/nph_spotify_responses_total\{endpoint="currently-playing",status="200"\} \d+/);
    expect(metrics).toMatch(/nph_spotify_request_duration_seconds_bucket\{le="0.1"\} \d+/);
    // The fleet's histogram: the +Inf bucket holds every request, as the count says.
    const inf = /nph_spotify_request_duration_seconds_bucket\{le="\+Inf"\} (\d+)/.exec(metrics)?.[1];
    const total = /nph_spotify_request_duration_seconds_count (\d+)/.exec(metrics)?.[1];
    expect(Number(total)).toBeGreaterThan(0);
    expect(inf).toBe(total);
    expect(metrics).toMatch(/nph_sockets\{namespace="\/operator"\} 1/);
    // The broadcasts so far (now_playing, queue) reached these WebSocket clients written directly.
    expect(Number(/nph_socket_writes_total\{path="direct"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/nph_line_length \d+/);
  });
});
