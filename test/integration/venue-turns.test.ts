/** Guest turns in the poll worker: play on the venue device, now_playing as the guest, end after the picks, problems. */
import { createLogger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { Line } from '../../shared/queue/line.js';
import { startPollWorker, type RunningPollWorker } from '../../workers/poll.worker.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { RecordingSocket } from '../helpers/socket-client.js';
import { until } from '../helpers/wait.js';

const DEVICE = 'venue-speakers-0001';
const PLAYLIST = 'spotify:playlist:37i9dQZF1DXcBWIGoYBM5M';
let redis: TestRedis;
let hub: TestHub;
let db: RedisClient;
let line: Line;
let workers: RunningPollWorker[] = [];
const sockets: RecordingSocket[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  db = await openRedis(redis.url);
  hub = await startTestHub(redis.url, {
    env: {
      POLL_INTERVAL_MS: '250',
      TURN_SECONDS: '600',
      IDLE_SECONDS: '600',
      PICKS_PER_TURN: '3',
      FALLBACK_PLAYLIST: PLAYLIST,
      // The catalog has 15 tracks and these tests use more: no cooldown between them.
      TRACK_COOLDOWN_MINUTES: '0',
    },
  });
  const log = createLogger({ level: 'silent' });
  // Two workers: the play of a turn must still go out exactly once.
  workers = [
    await startPollWorker(hub.config, log, { slowMs: 1000 }),
    await startPollWorker(hub.config, log, { slowMs: 1000 }),
  ];
  line = new Line(db, { turnSeconds: hub.config.turnSeconds, idleSeconds: hub.config.idleSeconds });
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(workers.map((w) => w.close()));
  await hub?.close();
  await db?.close();
  await redis?.dispose();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  // Leave the line empty for the next test.
  const s = await line.snapshot();
  if (s.active) await line.takeOut(s.active.user_id, 'removed');
  for (const w of s.waiting) await line.takeOut(w.id, 'removed');
});

let nextTrack = 0;
/** Tracks not used by the last few tests (the catalog's order, round and round). */
function tracks(n: number): string[] {
  const order = hub.sim.catalog.trackOrder;
  const out = Array.from({ length: n }, (_, i) => `spotify:track:${order[(nextTrack + i) % order.length]!}`);
  nextTrack += n;
  return out;
}
/** Player commands of this test only (a list of URIs may come round again in a later test). */
let testStartedAt = 0;
beforeEach(() => {
  testStartedAt = Date.now();
});

async function simControl(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${hub.url}/sim/control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
interface Command {
  at: number;
  command: string;
  deviceId: string | null;
  uris: string[] | null;
  contextUri: string | null;
}
async function commands(): Promise<Command[]> {
  return ((await (await simControl('GET', '/player/commands')).json()) as { commands: Command[] }).commands;
}
const plays = async (uris: string[]) =>
  (await commands()).filter(
    (c) => c.at >= testStartedAt && c.command === 'play' && JSON.stringify(c.uris) === JSON.stringify(uris),
  );

async function guestWithPicks(name: string, uris: string[]): Promise<{ client: CookieClient; userId: string }> {
  const client = new CookieClient();
  const joined = await client.request(`${hub.url}/api/guest/join`, { json: { name } });
  expect(joined.status).toBe(201);
  const userId = JSON.parse(joined.body).user.id as string;
  const put = await client.request(`${hub.url}/api/picks`, { method: 'PUT', json: { uris } });
  expect(put.status).toBe(200);
  return { client, userId };
}
function socket(): RecordingSocket {
  const s = new RecordingSocket(`${hub.url}/`);
  sockets.push(s);
  return s;
}
const venueField = (field: string) => db.hGet(keys.venue(), field);

describe('guest turns', () => {
  it('plays exactly the guest’s picks on the chosen device once, shows the guest as driver, and ends after the last pick', async () => {
    await db.hSet(keys.venue(), 'device_id', DEVICE);
    const viewer = socket();
    const picks = tracks(3);
    const { userId } = await guestWithPicks('Guest One', picks);

    const playing = await viewer.next(
      'now_playing',
      (p) => p.user?.display_name === 'Guest One' && p.item?.uri === picks[0] && p.state === 'playing',
    );
    expect(playing.user).toEqual({ display_name: 'Guest One', kind: 'guest' });
    const sent = await plays(picks);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.deviceId).toBe(DEVICE);

    // Each pick jumps to its last moments, so the turn is short; the next one follows by itself.
    for (const uri of picks) {
      await viewer.next('now_playing', (p) => p.item?.uri === uri && p.state === 'playing');
      const duration = hub.sim.catalog.tracks.get(uri.split(':')[2]!)!.durationMs;
      await simControl('POST', '/listeners/venue/playback', { action: 'seek', progress_ms: duration - 300 });
    }
    const user = await until(
      () => line.user(userId),
      (u) => u?.state === 'out',
      15_000,
      'the guest’s turn to end',
    );
    expect(user?.reason).toBe('turn_over');
    expect(await db.get(keys.picks(userId))).toBeNull();
    // Played tracks are remembered for the cooldown.
    for (const uri of picks) expect(await db.zScore(keys.played(), uri)).not.toBeNull();
    expect(await plays(picks)).toHaveLength(1);
  });

  it('plays the picks as the guest changes them during the turn: the rest is re-sent after the playing pick, from where it is', async () => {
    await db.hSet(keys.venue(), 'device_id', DEVICE);
    const viewer = socket();
    const [a, b, c] = tracks(3) as [string, string, string];
    const { client } = await guestWithPicks('Guest Edits', [a, b]);
    const mine = (p: { user?: { display_name: string } | null }) => p.user?.display_name === 'Guest Edits';
    await viewer.next('now_playing', (p) => mine(p) && p.item?.uri === a && p.state === 'playing');
    expect(await plays([a, b])).toHaveLength(1);
    // A minute into the first pick, so that starting it over would show.
    await simControl('POST', '/listeners/venue/playback', { action: 'seek', progress_ms: 60_000 });
    await viewer.next('now_playing', (p) => mine(p) && p.item?.uri === a && p.progress_ms >= 60_000);

    // The second pick has not started: the guest swaps it for another.
    const put = await client.request(`${hub.url}/api/picks`, { method: 'PUT', json: { uris: [a, c] } });
    expect(put.status).toBe(200);
    const [resent] = await until(
      () => plays([a, c]),
      (p) => p.length === 1,
      15_000,
      'the changed picks to be sent',
    );
    // The playing pick carries on from where it was (it is not started over from the top).
    const after = await viewer.next('now_playing', (p) => mine(p) && p.item?.uri === a, 15_000, resent!.at);
    expect(after.progress_ms).toBeGreaterThanOrEqual(60_000);

    const duration = hub.sim.catalog.tracks.get(a.split(':')[2]!)!.durationMs;
    await simControl('POST', '/listeners/venue/playback', { action: 'seek', progress_ms: duration - 300 });
    await viewer.next('now_playing', (p) => mine(p) && p.item?.uri === c && p.state === 'playing');
    expect(await plays([a, c])).toHaveLength(1);
    expect((await commands()).filter((cmd) => cmd.uris?.includes(b) && cmd.uris[0] !== a)).toEqual([]);
  });

  it('shows the guest’s first pick on every screen once the venue is told to play it, before Spotify reports it back', async () => {
    await db.hSet(keys.venue(), 'device_id', DEVICE);
    const viewer = socket();
    const picks = tracks(2);
    // Spotify answers currently-playing slowly from now on: the screens must not wait for it.
    await simControl('POST', '/latency', { target: 'currently-playing', ms: 3000, times: 50 });
    try {
      await guestWithPicks('Guest Quick', picks);
      await viewer.next(
        'now_playing',
        (p) => p.user?.display_name === 'Guest Quick' && p.item?.uri === picks[0] && p.state === 'playing',
      );
      const shownBy = Date.now();
      const playAt = (await plays(picks))[0]!.at;
      const answered = hub.sim.calls.filter(
        (c) => c.target === 'currently-playing' && c.at >= playAt && c.answeredAt <= shownBy,
      );
      expect(answered).toEqual([]);
    } finally {
      await simControl('DELETE', '/latency');
    }
  });

  it('tells the guest’s own phone (`you`) their picks and how many have started, as each one starts', async () => {
    await db.hSet(keys.venue(), 'device_id', DEVICE);
    const picks = tracks(2);
    const { client } = await guestWithPicks('Guest Watches', picks);
    const phone = new RecordingSocket(`${hub.url}/`, { cookie: client.cookieHeader(hub.url) });
    sockets.push(phone);
    const first = await phone.next('you', (y) => y.state === 'active' && y.picks_started === 1);
    expect(first.kind).toBe('guest');
    expect(first.picks?.map((p) => p.uri)).toEqual(picks);

    const duration = hub.sim.catalog.tracks.get(picks[0]!.split(':')[2]!)!.durationMs;
    await simControl('POST', '/listeners/venue/playback', { action: 'seek', progress_ms: duration - 300 });
    const second = await phone.next('you', (y) => y.picks_started === 2);
    expect(second.picks?.map((p) => p.uri)).toEqual(picks);
  });

  it('without a device: problem no_device, the clock held, retried with back-off, recovered when the device returns', async () => {
    await db.hSet(keys.venue(), 'device_id', DEVICE);
    expect((await simControl('DELETE', `/listeners/venue/devices/${DEVICE}`)).status).toBe(200);
    const picks = tracks(2);
    const { userId } = await guestWithPicks('Guest Two', picks);

    await until(
      () => venueField('problem'),
      (p) => p === 'no_device',
      15_000,
      'problem no_device',
    );
    const held = await until(
      () => line.snapshot(),
      (s) => s.active?.user_id === userId && s.active.ends_at === null,
      15_000,
      'the turn clock to hold',
    );
    expect(held.active?.remaining_ms).toBeGreaterThan(0);
    expect(await plays(picks)).toHaveLength(0);

    expect(
      (await simControl('POST', '/listeners/venue/devices', { id: DEVICE, name: 'Venue Speakers', type: 'Computer' }))
        .status,
    ).toBe(201);
    await until(
      () => plays(picks),
      (p) => p.length === 1,
      20_000,
      'the retried play',
    );
    await until(
      () => venueField('problem'),
      (p) => p === '',
      15_000,
      'problem cleared',
    );
    const running = await until(
      () => line.snapshot(),
      (s) => s.active?.user_id === userId && s.active.ends_at !== null,
      15_000,
      'the clock to run again',
    );
    expect(running.active?.ends_at).toBeGreaterThan(Date.now());
    // Retries are bounded and spaced (the attempts counted, not sent at every poll).
    expect(
      Number((await db.hGet(keys.venueTurn(String(running.active!.started_at)), 'attempt')) ?? 0),
    ).toBeLessThanOrEqual(3);
  });

  it('a Free venue account: problem premium_required, the clock held', async () => {
    expect((await simControl('PUT', '/listeners/venue/product', { product: 'free' })).status).toBe(200);
    try {
      const picks = tracks(1);
      const { userId } = await guestWithPicks('Guest Three', picks);
      await until(
        () => venueField('problem'),
        (p) => p === 'premium_required',
        15_000,
        'problem premium_required',
      );
      await until(
        () => line.snapshot(),
        (s) => s.active?.user_id === userId && s.active.ends_at === null,
        15_000,
        'the turn clock to hold',
      );
    } finally {
      await simControl('PUT', '/listeners/venue/product', { product: 'premium' });
    }
  });
});

describe('a guest turn ended by the crew', () => {
  it('skip mid-turn: the picks are spent and the venue pauses the guest’s music', async () => {
    const viewer = socket();
    const picks = tracks(2);
    const { userId } = await guestWithPicks('Guest Five', picks);
    await viewer.next(
      'now_playing',
      (p) => p.user?.kind === 'guest' && p.item?.uri === picks[0] && p.state === 'playing',
    );
    const skippedAt = Date.now();
    expect(await line.skip()).toBe(userId);
    await until(
      () => commands(),
      (c) => c.some((x) => x.command === 'pause' && x.at >= skippedAt - 1000),
      15_000,
      'the venue to pause',
    );
    await until(
      () => db.get(keys.picks(userId)),
      (v) => v === null,
      15_000,
      'the picks to be cleared',
    );
  });
});

describe('house music', () => {
  it('plays the fallback playlist while nobody drives (kind house), yields to a guest’s turn, and returns when the line empties', async () => {
    const viewer = socket();
    const house = await viewer.next('now_playing', (p) => p.user?.kind === 'house' && p.state === 'playing');
    expect(house.user?.display_name).toEqual(expect.any(String));
    const housePlays = async () =>
      (await commands()).filter((c) => c.command === 'play' && c.contextUri === PLAYLIST).length;
    const before = await housePlays();
    expect(before).toBeGreaterThanOrEqual(1);

    const picks = tracks(1);
    const { userId } = await guestWithPicks('Guest Four', picks);
    const turn = await viewer.next(
      'now_playing',
      (p) => p.user?.kind === 'guest' && p.item?.uri === picks[0] && p.state === 'playing',
    );
    expect(turn.user?.display_name).toBe('Guest Four');
    expect(await plays(picks)).toHaveLength(1);

    const emptied = Date.now();
    await line.takeOut(userId, 'removed');
    await viewer.next('now_playing', (p) => p.user?.kind === 'house' && p.state === 'playing', 15_000, emptied);
    expect(await housePlays()).toBe(before + 1);
  });
});

describe('holding one turn’s clock (line HOLD/RELEASE)', () => {
  it('stops only that turn’s clock, survives pause/resume and the tick, and runs on from where it held', async () => {
    // A database of its own: the workers above tick the main one.
    const other = await openRedis(`${redis.url}/5`);
    let now = 1_000_000;
    const l = new Line(other, { turnSeconds: 60, idleSeconds: 10 }, () => now);
    try {
      await l.join('g1', 'G1', 'guest');
      await l.tick();
      expect(await l.holdTurn('someone-else')).toBe(false);
      now += 5_000;
      expect(await l.holdTurn('g1')).toBe(true);
      expect(await l.holdTurn('g1')).toBe(false);
      let s = await l.snapshot();
      expect(s.active).toMatchObject({ user_id: 'g1', ends_at: null, remaining_ms: 55_000 });
      // Far beyond both the turn and the idle limit: a held turn does not end.
      now += 120_000;
      expect((await l.tick('g1', false)).ended).toBeNull();
      await l.pause();
      await l.resume();
      expect((await l.snapshot()).active?.ends_at).toBeNull();
      expect(await l.releaseTurn('g1')).toBe(true);
      s = await l.snapshot();
      expect(s.active?.ends_at).toBe(now + 55_000);
      expect(s.active?.remaining_ms).toBeNull();
      now += 55_000;
      expect((await l.tick()).ended).toEqual({ userId: 'g1', reason: 'turn_over' });
    } finally {
      await other.flushDb();
      await other.close();
    }
  });
});
