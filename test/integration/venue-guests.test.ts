/** Guests: join with a name, search, picks (limits, cooldown, lock), ban and veto, not-registered → guest. */
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { Line } from '../../shared/queue/line.js';
import { recordPlayed } from '../../shared/venue/played.js';
import { PicksStore } from '../../shared/venue/picks-store.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let hub: TestHub;
let db: RedisClient;

beforeAll(async () => {
  redis = await startTestRedis();
  db = await openRedis(redis.url);
  // A long turn keeps the first member driving, so later guests wait.
  hub = await startTestHub(redis.url, {
    env: { TURN_SECONDS: '3600', IDLE_SECONDS: '3600', PICKS_PER_TURN: '3', TRACK_COOLDOWN_MINUTES: '60' },
  });
}, 60_000);
afterAll(async () => {
  await hub?.close();
  await db?.close();
  await redis?.dispose();
});

async function join(name: unknown, client = new CookieClient()) {
  const hop = await client.request(`${hub.url}/api/guest/join`, { json: { name } });
  return { client, hop, body: JSON.parse(hop.body) };
}

async function operator(): Promise<CookieClient> {
  const c = new CookieClient();
  expect(
    (await c.request(`${hub.url}/api/operator/login`, { json: { token: 'operator-token-for-tests' } })).status,
  ).toBe(200);
  return c;
}

/** A user's record as the line keeps it. */
const userRecord = (id: string) => new Line(db, { turnSeconds: 3600, idleSeconds: 3600 }).user(id);

const trackUri = (i: number) => `spotify:track:${hub.sim.catalog.trackOrder[i]!}`; // the catalog has 15 tracks

describe('guest join', () => {
  it('tells the phone page whether guests may join', async () => {
    const r = JSON.parse((await new CookieClient().request(`${hub.url}/api/guest/status`)).body);
    expect(r).toEqual({ enabled: true, venue_connected: true, picks_per_turn: 3 });
  });

  it('joins the line with a name: 201 with the /api/me body, kind guest, a new session id', async () => {
    const client = new CookieClient();
    await client.request(`${hub.url}/login`); // a session exists before
    const before = client.cookie(hub.url, 'nph.sid');
    const { hop, body } = await join('  Ｊｏ　Ｂｏ  ', client);
    expect(hop.status).toBe(201);
    expect(client.cookie(hub.url, 'nph.sid')).not.toBe(before);
    expect(body.logged_in).toBe(true);
    expect(body.kind).toBe('guest');
    expect(body.user.display_name).toBe('Jo Bo');
    expect(body.user.id).toMatch(/^guest:/);
    expect(['waiting', 'active']).toContain(body.queue.state);
    expect(body.picks).toEqual([]);
    expect((await userRecord(body.user.id))?.kind).toBe('guest');
    const me = JSON.parse((await client.request(`${hub.url}/api/me`)).body);
    expect(me).toEqual(expect.objectContaining({ kind: 'guest', picks: [], user: body.user }));
  });

  it.each([
    ['blank', '   '],
    ['too long', 'x'.repeat(33)],
    ['a control character', 'Bob\u0007'],
    ['a zero-width space', 'Bo\u200Bb'],
    ['a bidi override', '\u202Eevil'],
    ['only a Hangul filler', '\u3164'],
    ['not a string', 42],
  ])('refuses %s with 400 invalid_name and changes nothing', async (_what, name) => {
    const length = await db.lLen(keys.line());
    const { hop, body } = await join(name);
    expect(hop.status).toBe(400);
    expect(body.error.code).toBe('invalid_name');
    expect(await db.lLen(keys.line())).toBe(length);
  });

  it('counts 32 characters after NFKC, not bytes', async () => {
    const { hop } = await join('é'.repeat(32));
    expect(hop.status).toBe(201);
  });

  it('keeps names as data: markup is stored and answered verbatim, as JSON', async () => {
    const { hop, body } = await join('<img src=x onerror=alert(1)>');
    expect(hop.status).toBe(201);
    expect(hop.headers.get('content-type')).toMatch(/application\/json/);
    expect(body.user.display_name).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('catalog search', () => {
  it('answers tracks in the fixed shape, at most 10, for guests; cached per normalised query', async () => {
    const { client } = await join('Searcher');
    const name = hub.sim.catalog.tracks.get(hub.sim.catalog.trackOrder[0]!)!.name;
    const word = name.split(' ')[0]!;
    const calls = () => hub.sim.calls.filter((c) => c.target === 'catalog').length;
    const before = calls();
    const r = await client.request(`${hub.url}/api/catalog/search?q=${encodeURIComponent(word)}`);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body);
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.length).toBeLessThanOrEqual(10);
    for (const item of body.items) {
      expect(Object.keys(item).sort()).toEqual(['album', 'artists', 'duration_ms', 'explicit', 'name', 'uri']);
      expect(item.uri).toMatch(/^spotify:track:/);
    }
    const afterFirst = calls();
    expect(afterFirst).toBeGreaterThan(before);
    const again = await client.request(
      `${hub.url}/api/catalog/search?q=${encodeURIComponent(`  ${word.toUpperCase()} `)}`,
    );
    expect(JSON.parse(again.body)).toEqual(body);
    expect(calls()).toBe(afterFirst);
  });

  it('needs a session and a q of 1 to 100 characters', async () => {
    expect((await new CookieClient().request(`${hub.url}/api/catalog/search?q=abc`)).status).toBe(401);
    const { client } = await join('Q Tester');
    const empty = await client.request(`${hub.url}/api/catalog/search?q=`);
    expect(empty.status).toBe(400);
    expect((await client.request(`${hub.url}/api/catalog/search?q=${'a'.repeat(101)}`)).status).toBe(400);
  });
});

describe('picks', () => {
  it('stores up to PICKS_PER_TURN track URIs with their metadata, in order', async () => {
    const { client } = await join('Picker');
    const uris = [trackUri(10), trackUri(11), trackUri(12)];
    const put = await client.request(`${hub.url}/api/picks`, { method: 'PUT', json: { uris } });
    expect(put.status).toBe(200);
    const body = JSON.parse(put.body);
    expect(body.picks.map((p: { uri: string }) => p.uri)).toEqual(uris);
    const track = hub.sim.catalog.tracks.get(hub.sim.catalog.trackOrder[10]!)!;
    expect(body.picks[0]).toEqual(expect.objectContaining({ name: track.name, duration_ms: track.durationMs }));
    expect(body.picks[0].album.images.length).toBeGreaterThan(0);
    const me = JSON.parse((await client.request(`${hub.url}/api/me`)).body);
    expect(me.picks.map((p: { uri: string }) => p.uri)).toEqual(uris);
    // Reorder.
    const reordered = await client.request(`${hub.url}/api/picks`, {
      method: 'PUT',
      json: { uris: [uris[2], uris[0]] },
    });
    expect(JSON.parse(reordered.body).picks.map((p: { uri: string }) => p.uri)).toEqual([uris[2], uris[0]]);
  });

  it('picks a track from a recent search without asking Spotify again', async () => {
    const { client } = await join('Searcher');
    const search = await client.request(`${hub.url}/api/catalog/search?q=${encodeURIComponent('Lumen Drift')}`);
    expect(search.status).toBe(200);
    const found = (JSON.parse(search.body) as { items: { uri: string; name: string }[] }).items;
    expect(found.length).toBeGreaterThan(1);
    const callsBefore = hub.sim.calls.length;
    const put = await client.request(`${hub.url}/api/picks`, {
      method: 'PUT',
      json: { uris: [found[1]!.uri, found[0]!.uri] },
    });
    expect(put.status).toBe(200);
    expect(JSON.parse(put.body).picks.map((p: { name: string }) => p.name)).toEqual([found[1]!.name, found[0]!.name]);
    expect(hub.sim.calls.slice(callsBefore)).toEqual([]);
  });

  it.each([
    ['too many', () => [trackUri(1), trackUri(2), trackUri(3), trackUri(4)]],
    ['not a track URI', () => ['spotify:album:0000000000000000000000']],
    ['a URL', () => ['https://open.spotify.com/track/x']],
    ['an unknown track', () => ['spotify:track:ZZZZZZZZZZZZZZZZZZZZZZ']],
    ['a duplicate', () => [trackUri(1), trackUri(1)]],
  ])('refuses %s with 400 invalid_pick and keeps the old picks', async (_what, uris) => {
    const { client } = await join('Strict');
    await client.request(`${hub.url}/api/picks`, { method: 'PUT', json: { uris: [trackUri(13)] } });
    const r = await client.request(`${hub.url}/api/picks`, { method: 'PUT', json: { uris: uris() } });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.code).toBe('invalid_pick');
    const now = JSON.parse((await client.request(`${hub.url}/api/picks`)).body);
    expect(now.picks.map((p: { uri: string }) => p.uri)).toEqual([trackUri(13)]);
  });

  it('refuses a track played within the cooldown with 409 and when it frees', async () => {
    const { client } = await join('Cooler');
    const playedAt = Date.now() - 10 * 60_000;
    await recordPlayed(db, trackUri(5), playedAt);
    const r = await client.request(`${hub.url}/api/picks`, {
      method: 'PUT',
      json: { uris: [trackUri(6), trackUri(5)] },
    });
    expect(r.status).toBe(409);
    const err = JSON.parse(r.body).error;
    expect(err.code).toBe('track_cooldown');
    expect(err.uri).toBe(trackUri(5));
    expect(err.frees_at).toBe(playedAt + 60 * 60_000);
    await recordPlayed(db, trackUri(7), Date.now() - 61 * 60_000);
    expect(
      (await client.request(`${hub.url}/api/picks`, { method: 'PUT', json: { uris: [trackUri(7)] } })).status,
    ).toBe(200);
  });

  it('is for guests only', async () => {
    expect((await new CookieClient().request(`${hub.url}/api/picks`)).status).toBe(401);
  });

  it('keeps started picks during the guest’s own turn (409 picks_locked)', async () => {
    // Empty the line so this guest drives.
    const op = await operator();
    const full = JSON.parse((await op.request(`${hub.url}/api/operator/queue`)).body);
    for (const w of full.waiting) await op.request(`${hub.url}/api/operator/remove`, { json: { userId: w.user_id } });
    if (full.active) await op.request(`${hub.url}/api/operator/skip`, { json: {} });
    const { client, body } = await join('Driver');
    expect(body.queue.state).toBe('active');
    await client.request(`${hub.url}/api/picks`, { method: 'PUT', json: { uris: [trackUri(8), trackUri(9)] } });
    await new PicksStore(db).markStarted(body.user.id, 1);
    const change = await client.request(`${hub.url}/api/picks`, { method: 'PUT', json: { uris: [trackUri(0)] } });
    expect(change.status).toBe(409);
    expect(JSON.parse(change.body).error.code).toBe('picks_locked');
    const ok = await client.request(`${hub.url}/api/picks`, {
      method: 'PUT',
      json: { uris: [trackUri(8), trackUri(0)] },
    });
    expect(ok.status).toBe(200);
  });
});

describe('moderation', () => {
  it('bans a guest: out of the line, the session and the name cannot join again', async () => {
    const { client, body } = await join('Trouble Maker');
    const op = await operator();
    const r = await op.request(`${hub.url}/api/operator/ban`, { json: { userId: body.user.id } });
    expect(r.status).toBe(200);
    expect((await userRecord(body.user.id))?.state).toBe('out');
    const again = await join('Someone Else', client);
    expect(again.hop.status).toBe(403);
    expect(again.body.error.code).toBe('banned');
    const rejoin = await client.request(`${hub.url}/api/queue/join`, { json: {} });
    expect(rejoin.status).toBe(403);
    const sameName = await join('trouble maker');
    expect(sameName.hop.status).toBe(403);
    expect(sameName.body.error.code).toBe('banned');
    expect((await join('Another Person')).hop.status).toBe(201);
  });

  it('bans a Spotify user: logging in again does not put them in the line', async () => {
    const client = new CookieClient();
    await loginThroughSimulator(client, hub.url, 'hedy');
    const op = await operator();
    expect((await op.request(`${hub.url}/api/operator/ban`, { json: { userId: 'hedy' } })).status).toBe(200);
    await loginThroughSimulator(new CookieClient(), hub.url, 'hedy');
    expect((await userRecord('hedy'))?.state).toBe('out');
    expect(await db.lRange(keys.line(), 0, -1)).not.toContain('hedy');
    const unknown = await op.request(`${hub.url}/api/operator/ban`, { json: { userId: 'nobody-here' } });
    expect(unknown.status).toBe(404);
    expect((await new CookieClient().request(`${hub.url}/api/operator/ban`, { json: { userId: 'hedy' } })).status).toBe(
      401,
    );
  });

  it('vetoes one pick', async () => {
    const { client, body } = await join('Vetoed');
    await client.request(`${hub.url}/api/picks`, { method: 'PUT', json: { uris: [trackUri(2), trackUri(3)] } });
    const op = await operator();
    const seen = JSON.parse(
      (await op.request(`${hub.url}/api/operator/picks?userId=${encodeURIComponent(body.user.id)}`)).body,
    );
    expect(seen.picks.map((p: { uri: string }) => p.uri)).toEqual([trackUri(2), trackUri(3)]);
    const r = await op.request(`${hub.url}/api/operator/veto`, { json: { userId: body.user.id, uri: trackUri(2) } });
    expect(r.status).toBe(200);
    const mine = JSON.parse((await client.request(`${hub.url}/api/picks`)).body);
    expect(mine.picks.map((p: { uri: string }) => p.uri)).toEqual([trackUri(3)]);
    const missing = await op.request(`${hub.url}/api/operator/veto`, {
      json: { userId: body.user.id, uri: trackUri(2) },
    });
    expect(missing.status).toBe(404);
  });
});

describe('not registered → guest', () => {
  it('a Spotify login that ends in not_registered can continue as a guest on the same cookie', async () => {
    await fetch(`${hub.url}/sim/control/listeners/katherine`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ not_registered: true }),
    });
    const client = new CookieClient();
    const { callback } = await loginThroughSimulator(client, hub.url, 'katherine');
    expect(callback.location).toBe(`${hub.url}/?login_error=not_registered`);
    const { hop, body } = await join('Katherine', client);
    expect(hop.status).toBe(201);
    expect(body.kind).toBe('guest');
    expect(['waiting', 'active']).toContain(body.queue.state);
  });
});

describe('GUESTS=off', () => {
  it('answers 403 guests_disabled and nobody joins', async () => {
    const off = await startTestHub(redis.url, { env: { GUESTS: 'off' } });
    try {
      const length = await db.lLen(keys.line());
      const c = new CookieClient();
      const r = await c.request(`${off.url}/api/guest/join`, { json: { name: 'Nope' } });
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body).error.code).toBe('guests_disabled');
      expect(await db.lLen(keys.line())).toBe(length);
      expect(JSON.parse((await c.request(`${off.url}/api/guest/status`)).body).enabled).toBe(false);
    } finally {
      await off.close();
    }
  });
});
