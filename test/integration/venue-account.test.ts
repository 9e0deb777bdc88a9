/** Venue account: connect through PKCE, status with devices, transfer, problems, disconnect. */
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { VENUE_DEVICE_ID, VENUE_LISTENER_ID } from '../../simulator/player-state.js';
import { VENUE_ACCOUNT_ID } from '../../shared/venue/venue-store.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { consentForm, startTestHub, type TestHub } from '../helpers/hub.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let hub: TestHub;
let db: RedisClient;

beforeAll(async () => {
  redis = await startTestRedis();
  db = await openRedis(redis.url);
  hub = await startTestHub(redis.url);
}, 60_000);
afterAll(async () => {
  await hub?.close();
  await db?.close();
  await redis?.dispose();
});

async function operator(): Promise<CookieClient> {
  const c = new CookieClient();
  const r = await c.request(`${hub.url}/api/operator/login`, { json: { token: 'operator-token-for-tests' } });
  expect(r.status).toBe(200);
  return c;
}

async function control(method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${hub.url}/sim/control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
}

async function venue(c: CookieClient) {
  const r = await c.request(`${hub.url}/api/operator/venue`);
  expect(r.status).toBe(200);
  return JSON.parse(r.body);
}

describe('venue account', () => {
  it('is connected at start-up in demo mode, with its one device', async () => {
    const v = await venue(await operator());
    expect(v).toEqual({
      connected: true,
      account: { id: VENUE_LISTENER_ID, display_name: 'Venue Speakers' },
      device: { id: VENUE_DEVICE_ID, name: 'Venue Speakers', type: 'Computer' },
      devices: [{ id: VENUE_DEVICE_ID, name: 'Venue Speakers', type: 'Computer', is_active: true }],
      problem: null,
    });
  });

  it('is for operators only', async () => {
    const r = await new CookieClient().request(`${hub.url}/api/operator/venue`);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body).error.code).toBe('operator_auth_required');
    const connect = await new CookieClient().request(`${hub.url}/operator/venue/connect`);
    expect(connect.status).toBe(401);
  });

  it('connects through PKCE with the player scopes and a single-use state; tokens sealed, never in the line', async () => {
    const c = await operator();
    const del = await c.request(`${hub.url}/api/operator/venue`, { method: 'DELETE' });
    expect(JSON.parse(del.body).connected).toBe(false);
    expect(await db.exists(keys.tokens(VENUE_ACCOUNT_ID))).toBe(0);

    const start = await c.request(`${hub.url}/operator/venue/connect`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.location!);
    expect(authorize.searchParams.get('scope')).toBe(
      'user-read-playback-state user-modify-playback-state user-read-currently-playing',
    );
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const consent = await c.request(start.location!);
    const form = consentForm(consent.body, start.location!);
    const decided = await c.request(form.action, {
      form: { ...form.fields, listener: VENUE_LISTENER_ID, decision: 'agree' },
    });
    const callback = await c.request(decided.location!);
    expect(callback.status).toBe(302);
    expect(callback.location).toBe(`${hub.url}/operator`);

    const sealed = await db.get(keys.tokens(VENUE_ACCOUNT_ID));
    expect(sealed).toMatch(/^v1\./);
    for (const secret of hub.sim.issuedSecrets()) expect(sealed).not.toContain(secret);
    expect(await db.lRange(keys.line(), 0, -1)).not.toContain(VENUE_LISTENER_ID);
    expect(Number(await db.hExists(keys.users(), VENUE_LISTENER_ID))).toBe(0);
    // Still an operator session, not an audience login.
    const me = JSON.parse((await c.request(`${hub.url}/api/me`)).body);
    expect(me.logged_in).toBe(false);
    expect((await venue(c)).account).toEqual({ id: VENUE_LISTENER_ID, display_name: 'Venue Speakers' });

    const tokenCalls = hub.sim.calls.filter((x) => x.target === 'token:authorization_code').length;
    const reused = await c.request(decided.location!);
    expect(reused.status).toBe(400);
    expect(hub.sim.calls.filter((x) => x.target === 'token:authorization_code').length).toBe(tokenCalls);
  });

  it('transfers playback to a chosen device and remembers it', async () => {
    const c = await operator();
    await control('POST', `/listeners/${VENUE_LISTENER_ID}/devices`, {
      id: 'bar-speaker-1',
      name: 'Bar',
      type: 'Speaker',
    });
    const r = await c.request(`${hub.url}/api/operator/venue/device`, {
      method: 'PUT',
      json: { deviceId: 'bar-speaker-1' },
    });
    expect(r.status).toBe(200);
    const v = JSON.parse(r.body);
    expect(v.device).toEqual({ id: 'bar-speaker-1', name: 'Bar', type: 'Speaker' });
    expect(v.devices.find((d: { id: string }) => d.id === 'bar-speaker-1').is_active).toBe(true);
    const bad = await c.request(`${hub.url}/api/operator/venue/device`, { method: 'PUT', json: { deviceId: 'nope' } });
    expect(bad.status).toBe(404);
    expect(JSON.parse(bad.body).error.code).toBe('device_not_found');
    const invalid = await c.request(`${hub.url}/api/operator/venue/device`, { method: 'PUT', json: { device: 1 } });
    expect(invalid.status).toBe(400);
    expect((await venue(c)).device.id).toBe('bar-speaker-1');
    await c.request(`${hub.url}/api/operator/venue/device`, { method: 'PUT', json: { deviceId: VENUE_DEVICE_ID } });
    await control('DELETE', `/listeners/${VENUE_LISTENER_ID}/devices/bar-speaker-1`);
  });

  it('says no_device when the venue has no device, and recovers when one appears', async () => {
    const c = await operator();
    await control('DELETE', `/listeners/${VENUE_LISTENER_ID}/devices/${VENUE_DEVICE_ID}`);
    const v = await venue(c);
    expect(v.problem).toBe('no_device');
    expect(v.devices).toEqual([]);
    expect(v.device).toBeNull();
    await control('POST', `/listeners/${VENUE_LISTENER_ID}/devices`, {
      id: VENUE_DEVICE_ID,
      name: 'Venue Speakers',
      type: 'Computer',
      is_active: true,
    });
    expect((await venue(c)).problem).toBeNull();
  });

  it('says premium_required for a Free account', async () => {
    const c = await operator();
    await control('PUT', `/listeners/${VENUE_LISTENER_ID}/product`, { product: 'free' });
    expect((await venue(c)).problem).toBe('premium_required');
    await control('PUT', `/listeners/${VENUE_LISTENER_ID}/product`, { product: 'premium' });
    expect((await venue(c)).problem).toBeNull();
  });

  it('says rate_limited while Spotify answers 429, and sends no venue call before the deadline', async () => {
    const c = await operator();
    await control('POST', '/faults', { target: 'api', status: 429, retry_after: 30, times: 1 });
    expect((await venue(c)).problem).toBe('rate_limited');
    await control('DELETE', '/faults');
    // The deadline is the whole app's: the venue's own player calls wait for it too.
    const callsBefore = hub.sim.calls.length;
    expect((await venue(c)).problem).toBe('rate_limited');
    expect(hub.sim.calls.slice(callsBefore)).toEqual([]);
    // The next tests start without the deadline this one set.
    await db.del([keys.spotifyRetryAfter(), keys.spotifyRate()]);
  });

  it('says revoked once the refresh token is refused (invalid_grant)', async () => {
    const c = await operator();
    await control('POST', '/tokens/revoke', { listener_id: VENUE_LISTENER_ID });
    const v = await venue(c);
    expect(v.connected).toBe(true);
    expect(v.problem).toBe('revoked');
    expect(await db.exists(keys.tokens(VENUE_ACCOUNT_ID))).toBe(0);
  });
});
