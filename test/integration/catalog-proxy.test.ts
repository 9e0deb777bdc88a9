import { keys } from '../../shared/redis-keys.js';
import type { RedisClient } from '../../shared/redis.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let hub: TestHub;
let direct: RedisClient;

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url);
  direct = await openRedis(redis.url);
});
afterAll(async () => {
  await hub?.close();
  await direct?.close();
  await redis?.dispose();
});
beforeEach(async () => {
  hub.sim.faults = [];
  // A 429 in one test holds every Spotify call back until its deadline; tests start without one.
  await direct.del([keys.spotifyRetryAfter(), keys.spotifyRate()]);
});

const lookUp = (body: unknown, path = '/api/spotify') =>
  fetch(`${hub.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const appTokenRequests = () => hub.sim.calls.filter((c) => c.target === 'token:client_credentials').length;
const anyTrackId = () => hub.sim.catalog.trackOrder[0]!;

describe('catalog proxy', () => {
  it('fetches the app token once for N concurrent look-ups', async () => {
    const before = appTokenRequests();
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => lookUp({ endpoint: `/v1/tracks/${anyTrackId()}` })),
    );
    for (const a of answers) expect(a.status).toBe(200);
    const track = await answers[0]!.json();
    expect(track).toMatchObject({ type: 'track', id: anyTrackId() });
    expect(appTokenRequests() - before).toBe(1);
    await lookUp({ endpoint: '/v1/search?q=a&type=track' });
    expect(appTokenRequests() - before).toBe(1);
  });

  it('serves the seed project’s POST / with the same body', async () => {
    const res = await lookUp({ endpoint: '/v1/search?q=night&type=track&limit=2' }, '/');
    expect(res.status).toBe(200);
    expect((await res.json()).tracks).toBeDefined();
  });

  it.each([
    ['an absolute URL', { endpoint: 'https://api.spotify.com/v1/me' }],
    ['a traversal', { endpoint: '/v1/search/../me' }],
    ['a user endpoint', { endpoint: '/v1/me' }],
    ['a player endpoint', { endpoint: '/v1/me/player/currently-playing' }],
    ['another method', { endpoint: '/v1/search?q=a&type=track', method: 'DELETE' }],
  ])('refuses %s with 400 and calls nobody', async (_name, body) => {
    const before = hub.sim.calls.length;
    const res = await lookUp(body);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('endpoint_not_allowed');
    expect(hub.sim.calls.length).toBe(before);
  });

  it('refuses a body without an endpoint and non-JSON bodies', async () => {
    expect((await lookUp({})).status).toBe(400);
    const res = await fetch(`${hub.url}/api/spotify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"endpoint":',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_body');
  });

  it('refuses other HTTP methods on /api/spotify with 400', async () => {
    const res = await fetch(`${hub.url}/api/spotify`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
  });

  it('maps upstream errors instead of echoing them', async () => {
    hub.sim.faults.push({
      target: 'catalog',
      status: 500,
      retryAfterSeconds: null,
      remaining: 1,
      plainText: true,
      delayMs: 0,
    });
    const res = await lookUp({ endpoint: `/v1/albums/${hub.sim.catalog.albums.keys().next().value}` });
    expect(res.status).toBe(502);
    const body = await res.json();
    expect(body).toEqual({ error: { code: 'spotify_error', message: expect.any(String) } });
    expect(JSON.stringify(body)).not.toMatch(/Server error|stack/);
  });

  it('turns a 429 into 503 with Retry-After', async () => {
    hub.sim.faults.push({
      target: 'catalog',
      status: 429,
      retryAfterSeconds: 7,
      remaining: 1,
      plainText: false,
      delayMs: 0,
    });
    const res = await lookUp({ endpoint: '/v1/search?q=a&type=track' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect((await res.json()).error.code).toBe('spotify_rate_limited');
  });

  it('answers 404 for an id Spotify does not know', async () => {
    const res = await lookUp({ endpoint: '/v1/tracks/0000000000000000000000' });
    expect(res.status).toBe(404);
  });

  it('fetches a new app token once when Spotify refuses the cached one', async () => {
    await lookUp({ endpoint: '/v1/search?q=a&type=track' });
    hub.sim.accessTokens.clear();
    const before = appTokenRequests();
    const res = await lookUp({ endpoint: '/v1/search?q=a&type=track' });
    expect(res.status).toBe(200);
    expect(appTokenRequests() - before).toBe(1);
  });

  it('sends CORS headers only to listed origins', async () => {
    const foreign = await fetch(`${hub.url}/api/now-playing`, { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const own = await fetch(`${hub.url}/api/now-playing`, { headers: { origin: hub.config.publicUrl } });
    expect(own.headers.get('access-control-allow-origin')).toBe(hub.config.publicUrl);
    expect(own.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('sets security headers', async () => {
    const res = await fetch(`${hub.url}/api/now-playing`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
