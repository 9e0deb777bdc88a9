/**
 * The simulated Spotify Connect player and the hub's PlayerClient against it: real shapes, real
 * errors mapped to stable codes, 401 → one refresh and retry, 429 → the gate hears of it.
 */
import { createLogger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis.js';
import { AccountsClient } from '../../shared/spotify/accounts-client.js';
import { PlayerClient, type PlayerGate } from '../../shared/spotify/player-client.js';
import { SpotifyError } from '../../shared/spotify/spotify-error.js';
import { TokenRefresher } from '../../shared/spotify/token-refresher.js';
import { TokenStore } from '../../shared/spotify/token-store.js';
import { playerCommands, VENUE_DEVICE_ID, VENUE_LISTENER_ID } from '../../simulator/player-state.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';

const CLIENT_ID = 'player-test-client';
const SCOPE = 'user-read-playback-state user-modify-playback-state user-read-currently-playing';
const ACCOUNT = 'venue:account';

let redis: TestRedis;
let client: RedisClient;
let sim: TestSimulator;
let store: TokenStore;
let refresher: TokenRefresher;
let gateCalls: { before: number; limited: { ms: number; reason: string | undefined }[] };
let player: PlayerClient;

const log = createLogger({ level: 'silent' });

async function seedTokens(listenerId: string, scope = SCOPE): Promise<void> {
  const t = sim.state.issueTokens(listenerId, scope);
  await store.save(ACCOUNT, {
    accessToken: t.accessToken,
    refreshToken: t.refreshToken!,
    expiresAt: Date.now() + t.expiresIn * 1000,
    scope,
  });
}

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sim.url}/control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

async function caught(run: () => Promise<unknown>): Promise<SpotifyError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof SpotifyError) return err;
    throw err;
  }
  throw new Error('expected a SpotifyError');
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = await openRedis(redis.url);
  sim = await startTestSimulator({
    clientId: CLIENT_ID,
    clientSecret: null,
    redirectUris: ['http://127.0.0.1/callback'],
  });
  store = new TokenStore(client, Buffer.alloc(32, 7), log);
  const accounts = new AccountsClient({
    clientId: CLIENT_ID,
    clientSecret: null,
    redirectUri: 'http://127.0.0.1/callback',
    accountsUrl: `${sim.url}/accounts`,
    apiUrl: `${sim.url}/api`,
    scopes: [],
  });
  refresher = new TokenRefresher({ redis: client, store, accounts, log });
  const gate: PlayerGate = {
    before: async () => {
      gateCalls.before += 1;
    },
    limited: async (ms, reason) => {
      gateCalls.limited.push({ ms, reason });
    },
  };
  player = new PlayerClient({ apiUrl: `${sim.url}/api`, tokens: refresher, gate });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await client?.close();
  await redis?.dispose();
});

beforeEach(async () => {
  gateCalls = { before: 0, limited: [] };
  await control('DELETE', '/faults');
  await control('PUT', `/listeners/${VENUE_LISTENER_ID}/product`, { product: 'premium' });
  await seedTokens(VENUE_LISTENER_ID);
});

describe('simulated player + PlayerClient', () => {
  it('lists the venue account’s device, parsed', async () => {
    const devices = await player.devices(ACCOUNT);
    expect(devices).toEqual([
      expect.objectContaining({ id: VENUE_DEVICE_ID, name: 'Venue Speakers', type: 'Computer', is_active: true }),
    ]);
    expect(gateCalls.before).toBeGreaterThanOrEqual(1);
  });

  it('plays exactly the given URIs on the chosen device; currently-playing then reports them, in order, stopping after the last', async () => {
    const order = sim.state.catalog.trackOrder;
    const uris = [order[3]!, order[4]!].map((id) => `spotify:track:${id}`);
    const since = Date.now();
    await player.play(ACCOUNT, { uris, deviceId: VENUE_DEVICE_ID });
    const cmd = playerCommands(sim.state)
      .filter((c) => c.at >= since && c.command === 'play')
      .at(-1);
    expect(cmd).toEqual(expect.objectContaining({ listenerId: VENUE_LISTENER_ID, deviceId: VENUE_DEVICE_ID, uris }));
    const state = await player.state(ACCOUNT);
    expect(state?.device?.id).toBe(VENUE_DEVICE_ID);
    expect(state?.playback.kind).toBe('item');
    if (state?.playback.kind === 'item') {
      expect(state.playback.item.uri).toBe(uris[0]);
      expect(state.playback.isPlaying).toBe(true);
    }
    await player.next(ACCOUNT);
    const second = await player.state(ACCOUNT);
    expect(second?.playback.kind === 'item' && second.playback.item.uri).toBe(uris[1]);
    await player.next(ACCOUNT);
    const ended = await player.state(ACCOUNT);
    expect(ended?.playback.kind === 'item' && ended.playback.isPlaying).toBe(false);
  });

  it('queues after the current item and pauses; pausing again is a restriction', async () => {
    const order = sim.state.catalog.trackOrder;
    await player.play(ACCOUNT, { uris: [`spotify:track:${order[0]}`] });
    await player.queue(ACCOUNT, `spotify:track:${order[7]}`);
    await player.next(ACCOUNT);
    const state = await player.state(ACCOUNT);
    expect(state?.playback.kind === 'item' && state.playback.item.uri).toBe(`spotify:track:${order[7]}`);
    await player.pause(ACCOUNT);
    expect((await caught(() => player.pause(ACCOUNT))).code).toBe('restriction_violated');
  });

  it('maps a Free account to premium_required', async () => {
    await control('PUT', `/listeners/${VENUE_LISTENER_ID}/product`, { product: 'free' });
    const err = await caught(() =>
      player.play(ACCOUNT, { uris: [`spotify:track:${sim.state.catalog.trackOrder[0]}`] }),
    );
    expect(err.code).toBe('premium_required');
    expect(err.status).toBe(403);
  });

  it('maps an unknown device to device_not_found and no device at all to no_active_device; transfer recovers', async () => {
    const uri = `spotify:track:${sim.state.catalog.trackOrder[0]}`;
    expect((await caught(() => player.play(ACCOUNT, { uris: [uri], deviceId: 'nope' }))).code).toBe('device_not_found');
    await control('DELETE', `/listeners/${VENUE_LISTENER_ID}/devices/${VENUE_DEVICE_ID}`);
    expect(await player.devices(ACCOUNT)).toEqual([]);
    expect(await player.state(ACCOUNT)).toBeNull();
    const err = await caught(() => player.play(ACCOUNT, { uris: [uri] }));
    expect(err.code).toBe('no_active_device');
    expect(err.status).toBe(404);
    await control('POST', `/listeners/${VENUE_LISTENER_ID}/devices`, {
      id: VENUE_DEVICE_ID,
      name: 'Venue Speakers',
      type: 'Computer',
    });
    await player.transfer(ACCOUNT, VENUE_DEVICE_ID);
    await player.play(ACCOUNT, { uris: [uri] });
    expect((await player.devices(ACCOUNT))[0]?.is_active).toBe(true);
  });

  it('refreshes once on a 401 and retries', async () => {
    await control('POST', '/tokens/expire', { listener_id: VENUE_LISTENER_ID });
    // The stored clock still says the token is good: only Spotify's 401 reveals it.
    const before = sim.state.calls.filter((c) => c.target === 'token:refresh_token').length;
    const devices = await player.devices(ACCOUNT);
    expect(devices.length).toBe(1);
    expect(sim.state.calls.filter((c) => c.target === 'token:refresh_token').length).toBe(before + 1);
  });

  it('answers invalid_grant when the venue revoked access', async () => {
    await control('POST', '/tokens/revoke', { listener_id: VENUE_LISTENER_ID });
    expect((await caught(() => player.devices(ACCOUNT))).code).toBe('invalid_grant');
    expect(await store.load(ACCOUNT)).toBeNull();
  });

  it('turns a 429 into rate_limited with Retry-After and tells the gate', async () => {
    await control('POST', '/faults', { target: 'api', status: 429, retry_after: 7, times: 1 });
    const err = await caught(() => player.next(ACCOUNT));
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(7000);
    expect(gateCalls.limited).toEqual([expect.objectContaining({ ms: 7000 })]);
  });

  it('refuses commands with a token lacking the modify scope', async () => {
    await seedTokens(VENUE_LISTENER_ID, 'user-read-currently-playing user-read-playback-state');
    expect((await caught(() => player.next(ACCOUNT))).code).toBe('forbidden');
  });
});
