import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { Line } from '../../shared/queue/line.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { captureLog, type CapturedLog } from '../helpers/log-capture.js';

let redis: TestRedis;
let hub: TestHub;
let logs: CapturedLog;

beforeAll(async () => {
  redis = await startTestRedis();
  logs = captureLog('trace');
  hub = await startTestHub(redis.url, { log: logs.log });
});
afterAll(async () => {
  await hub?.close();
  await redis?.dispose();
});

async function withRedis<T>(run: (c: RedisClient) => Promise<T>): Promise<T> {
  const c = await openRedis(redis.url);
  try {
    return await run(c);
  } finally {
    await c.close();
  }
}
const redisLine = () => withRedis((c) => c.lRange(keys.line(), 0, -1));
const activeUser = () => withRedis((c) => c.hGet(keys.active(), 'user_id'));

const tokenCalls = () => hub.sim.calls.filter((c) => c.target.startsWith('token:')).length;

describe('login', () => {
  it('sends the browser to authorize with PKCE S256, state and the configured redirect URI', async () => {
    const client = new CookieClient();
    const hop = await client.request(`${hub.url}/login`);
    expect(hop.status).toBe(302);
    const url = new URL(hop.location!);
    expect(`${url.origin}${url.pathname}`).toBe(`${hub.config.spotify.accountsUrl}/authorize`);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('client_id')).toBe(hub.config.spotify.clientId);
    expect(url.searchParams.get('redirect_uri')).toBe(`${hub.url}/callback`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(url.searchParams.get('scope')).toContain('user-read-currently-playing');
    const cookie = hop.headers.getSetCookie().join(';');
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it('logs in through the simulator, ends in /api/me logged in and queued, with a new session id', async () => {
    const client = new CookieClient();
    await client.request(`${hub.url}/login`);
    const before = client.cookie(hub.url, 'nph.sid');
    client.jar.clear();
    const { callback } = await loginThroughSimulator(client, hub.url, 'ada');
    expect(callback.status).toBe(302);
    expect(callback.location).toBe(`${hub.url}/`);
    const after = client.cookie(hub.url, 'nph.sid');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const me = JSON.parse((await client.request(`${hub.url}/api/me`)).body);
    expect(me.logged_in).toBe(true);
    expect(me.user).toEqual({ id: 'ada', display_name: 'Ada Lovelace' });
    expect(['active', 'waiting']).toContain(me.queue.state);
    expect(me.queue.reason).toBeNull();
  });

  it('regenerates the session id at login so a planted id is worthless', async () => {
    const client = new CookieClient();
    await client.request(`${hub.url}/login`);
    const planted = client.cookie(hub.url, 'nph.sid')!;
    // Walk the rest of the flow from the same jar (the login above already set the planted id).
    client.jar.clear();
    const victim = new CookieClient();
    victim.jar.set(new URL(hub.url).hostname, new Map([['nph.sid', planted]]));
    await loginThroughSimulator(victim, hub.url, 'grace');
    const attacker = new CookieClient();
    attacker.jar.set(new URL(hub.url).hostname, new Map([['nph.sid', planted]]));
    const me = JSON.parse((await attacker.request(`${hub.url}/api/me`)).body);
    expect(me.logged_in).toBe(false);
  });

  it('never queues a user twice when they log in twice', async () => {
    const a = new CookieClient();
    const b = new CookieClient();
    await loginThroughSimulator(a, hub.url, 'hedy');
    await loginThroughSimulator(b, hub.url, 'hedy');
    const line = await redisLine();
    expect(line.filter((id) => id === 'hedy').length).toBeLessThanOrEqual(1);
    const activeOrWaiting = line.includes('hedy') || (await activeUser()) === 'hedy';
    expect(activeOrWaiting).toBe(true);
    expect(JSON.parse((await b.request(`${hub.url}/api/me`)).body).queue.state).not.toBe('out');
  });
});

describe('callback', () => {
  it('rejects a missing state with 400 and no token request', async () => {
    const client = new CookieClient();
    await client.request(`${hub.url}/login`);
    const before = tokenCalls();
    const hop = await client.request(`${hub.url}/callback?code=whatever`, { headers: { accept: 'application/json' } });
    expect(hop.status).toBe(400);
    expect(JSON.parse(hop.body).error.code).toBe('invalid_state');
    expect(tokenCalls()).toBe(before);
  });

  it('rejects a forged state with 400 and no token request', async () => {
    const client = new CookieClient();
    const login = await client.request(`${hub.url}/login`);
    const consent = await client.request(login.location!);
    expect(consent.status).toBe(200);
    const before = tokenCalls();
    const hop = await client.request(`${hub.url}/callback?code=abc&state=forged-state-value-that-was-never-issued`, {
      headers: { accept: 'application/json' },
    });
    expect(hop.status).toBe(400);
    expect(tokenCalls()).toBe(before);
  });

  it('rejects a reused state with 400 and no second token request', async () => {
    const client = new CookieClient();
    const { callbackUrl, callback } = await loginThroughSimulator(client, hub.url, 'alan');
    expect(callback.status).toBe(302);
    const before = tokenCalls();
    const again = await client.request(callbackUrl, { headers: { accept: 'application/json' } });
    expect(again.status).toBe(400);
    expect(JSON.parse(again.body).error.code).toBe('invalid_state');
    expect(tokenCalls()).toBe(before);
  });

  it('rejects a state from another browser session', async () => {
    const victim = new CookieClient();
    const login = await victim.request(`${hub.url}/login`);
    const state = new URL(login.location!).searchParams.get('state')!;
    const attacker = new CookieClient();
    const before = tokenCalls();
    const hop = await attacker.request(`${hub.url}/callback?code=abc&state=${state}`, {
      headers: { accept: 'application/json' },
    });
    expect(hop.status).toBe(400);
    expect(tokenCalls()).toBe(before);
  });

  it('brings a user who cancels back to / with a friendly flag and no token request', async () => {
    const client = new CookieClient();
    const before = tokenCalls();
    const { callback } = await loginThroughSimulator(client, hub.url, 'katherine', 'cancel');
    expect(callback.status).toBe(302);
    expect(callback.location).toBe(`${hub.url}/?login_error=access_denied`);
    expect(tokenCalls()).toBe(before);
    const me = JSON.parse((await client.request(`${hub.url}/api/me`)).body);
    expect(me).toEqual({ logged_in: false, user: null, queue: null });
  });

  it('answers a browser with a page, not JSON, for a bad state', async () => {
    const client = new CookieClient();
    const hop = await client.request(`${hub.url}/callback?code=x&state=y`, { headers: { accept: 'text/html' } });
    expect(hop.status).toBe(400);
    expect(hop.headers.get('content-type')).toMatch(/text\/html/);
    expect(hop.body).toContain('Back to the hub');
  });

  it('sends a listener outside the Development Mode user list back with not_registered', async () => {
    hub.sim.listeners.get('margaret')!.notRegistered = true;
    try {
      const client = new CookieClient();
      const { callback } = await loginThroughSimulator(client, hub.url, 'margaret');
      expect(callback.location).toBe(`${hub.url}/?login_error=not_registered`);
    } finally {
      hub.sim.listeners.get('margaret')!.notRegistered = false;
    }
  });
});

describe('session endpoints', () => {
  it('refreshes on the server and never returns the token from /refresh_token', async () => {
    const client = new CookieClient();
    await loginThroughSimulator(client, hub.url, 'ada');
    const hop = await client.request(`${hub.url}/refresh_token`);
    expect(hop.status).toBe(200);
    const body = JSON.parse(hop.body);
    expect(body.logged_in).toBe(true);
    expect(body.expires_in).toBeGreaterThan(0);
    expect(Object.keys(body).sort()).toEqual(['expires_in', 'logged_in']);
  });

  it('answers 401 from /refresh_token and /api/queue/join when not logged in', async () => {
    const client = new CookieClient();
    expect((await client.request(`${hub.url}/refresh_token`, { headers: { accept: 'application/json' } })).status).toBe(
      401,
    );
    expect((await client.request(`${hub.url}/api/queue/join`, { method: 'POST' })).status).toBe(401);
  });

  it('leaves and rejoins the line', async () => {
    const client = new CookieClient();
    await loginThroughSimulator(client, hub.url, 'katherine');
    const left = JSON.parse((await client.request(`${hub.url}/api/queue/leave`, { method: 'POST' })).body);
    expect(left.queue).toMatchObject({ state: 'out', reason: 'left' });
    const joined = JSON.parse((await client.request(`${hub.url}/api/queue/join`, { method: 'POST' })).body);
    expect(['waiting', 'active']).toContain(joined.queue.state);
  });

  it('logs out: session ended, line left, tokens deleted', async () => {
    const client = new CookieClient();
    await loginThroughSimulator(client, hub.url, 'grace');
    // In the line (waiting or driving) with stored tokens before…
    expect([...(await redisLine()), await activeUser()]).toContain('grace');
    expect(await withRedis((c) => c.exists(keys.tokens('grace')))).toBe(1);
    const out = await client.request(`${hub.url}/logout`, { method: 'POST' });
    expect(out.status).toBe(302);
    // …session ended…
    const me = JSON.parse((await client.request(`${hub.url}/api/me`)).body);
    expect(me.logged_in).toBe(false);
    // …line left (neither waiting nor driving, marked out as having left)…
    expect(await redisLine()).not.toContain('grace');
    expect(await activeUser()).not.toBe('grace');
    const record = await withRedis((c) => new Line(c, { turnSeconds: 60, idleSeconds: 30 }).user('grace'));
    expect(record).toMatchObject({ state: 'out', reason: 'left' });
    // …tokens deleted.
    expect(await withRedis((c) => c.exists(keys.tokens('grace')))).toBe(0);
    // Logging in again puts the person back in the line.
    const again = new CookieClient();
    await loginThroughSimulator(again, hub.url, 'grace');
    expect(JSON.parse((await again.request(`${hub.url}/api/me`)).body).queue.state).not.toBe('out');
  });

  it('refuses a cross-site POST with a foreign Origin', async () => {
    const client = new CookieClient();
    await loginThroughSimulator(client, hub.url, 'alan');
    const hop = await client.request(`${hub.url}/api/queue/leave`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    expect(hop.status).toBe(403);
    expect(JSON.parse(hop.body).error.code).toBe('origin_not_allowed');
  });
});

describe('secrets', () => {
  it('never puts a code, token, verifier, cookie or client secret in a response body or a log line', async () => {
    const client = new CookieClient();
    await loginThroughSimulator(client, hub.url, 'hedy');
    await client.request(`${hub.url}/api/me`);
    await client.request(`${hub.url}/refresh_token`);
    await client.request(`${hub.url}/api/now-playing`);
    await client.request(`${hub.url}/api/spotify`, { json: { endpoint: '/v1/search?q=a&type=track' } });
    const secrets = [...hub.sim.issued, hub.config.spotify.clientSecret!, client.cookie(hub.url, 'nph.sid')!];
    expect(secrets.length).toBeGreaterThan(3);
    const hubHops = client.hops.filter((h) => h.url.startsWith(`${hub.url}/`) && !h.url.startsWith(`${hub.url}/sim`));
    const visible = hubHops
      .map(
        (h) =>
          `${h.body}\n${h.location ?? ''}\n${[...h.headers]
            .filter(([k]) => k !== 'set-cookie')
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n')}`,
      )
      .join('\n');
    const logText = logs.text();
    expect(logText.length).toBeGreaterThan(100);
    for (const secret of secrets) {
      expect(visible).not.toContain(secret);
      expect(logText).not.toContain(secret);
    }
    // The code does reach the callback URL; only the log must not carry it.
    expect(logText).toContain('[Redacted]');
  });
});
