/**
 * Hardening of the HTTP surface, as an attacker or a careless network would try it: no request
 * shape ends the process, both Socket.IO transports work with and without a session cookie,
 * bad bodies get 4xx without stacks, CSRF by Origin and Referer, a harmless GET /logout, limits
 * that count the right client behind a proxy, and the machine-only routes.
 */
import { gzipSync } from 'node:zlib';
import { io as ioClient } from 'socket.io-client';
import type { QueueFull } from '../../shared/events.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { captureLog, type CapturedLog } from '../helpers/log-capture.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let hub: TestHub;
let logs: CapturedLog;

beforeAll(async () => {
  redis = await startTestRedis();
  logs = captureLog('debug');
  hub = await startTestHub(redis.url, {
    log: logs.log,
    env: { TRUST_PROXY: '1', METRICS_TOKEN: 'metrics-token-for-tests' },
    rateLimits: { loginPerMinute: 5 },
  });
});
afterAll(async () => {
  await hub?.close();
  await redis?.dispose();
});

const alive = async () => (await fetch(`${hub.url}/healthz`)).status === 200;

/** An engine.io long-polling handshake: answers the open packet `0{"sid":...}`. */
async function pollingHandshake(cookie?: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${hub.url}/socket.io/?EIO=4&transport=polling`, { headers: cookie ? { cookie } : {} });
  return { status: res.status, body: await res.text() };
}

describe('Socket.IO long-polling next to Express', () => {
  it('answers a polling handshake carrying a fresh session cookie from /login, and the server lives on', async () => {
    const client = new CookieClient();
    await client.request(`${hub.url}/login`, { headers: { 'x-forwarded-for': '198.51.100.1' } });
    const cookie = client.cookieHeader(hub.url);
    expect(cookie).toContain('nph.sid=');
    const res = await pollingHandshake(cookie);
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/^0\{"sid":"[^"]+"/);
    expect(await alive()).toBe(true);
  });

  it('answers a polling handshake without a cookie', async () => {
    const res = await pollingHandshake();
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/^0\{"sid":"[^"]+"/);
  });

  it('connects socket.io-client over polling only and delivers now_playing', async () => {
    const socket = ioClient(hub.url, { transports: ['polling'], forceNew: true, reconnection: false });
    try {
      const payload = await new Promise<unknown>((resolve, reject) => {
        socket.once('now_playing', resolve);
        socket.once('connect_error', reject);
      });
      expect(payload).toEqual(expect.objectContaining({ state: expect.any(String), seq: expect.any(Number) }));
      expect(socket.io.engine.transport.name).toBe('polling');
    } finally {
      socket.close();
    }
  });

  it('connects over polling with a logged-in session and upgrades to websocket', async () => {
    const client = new CookieClient();
    await loginThroughSimulator(client, hub.url, 'grace');
    const socket = ioClient(hub.url, {
      transports: ['polling', 'websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: client.cookieHeader(hub.url) },
    });
    try {
      const you = await new Promise<unknown>((resolve, reject) => {
        socket.once('you', resolve);
        socket.once('connect_error', reject);
      });
      expect(you).toEqual(expect.objectContaining({ state: expect.any(String) }));
      await new Promise<void>((resolve) =>
        socket.io.engine.transport.name === 'websocket' ? resolve() : socket.io.engine.once('upgrade', () => resolve()),
      );
      expect(socket.io.engine.transport.name).toBe('websocket');
    } finally {
      socket.close();
    }
  });

  it('never lets Express answer under /socket.io/ (an unknown engine path gets engine.io’s own error)', async () => {
    const res = await fetch(`${hub.url}/socket.io/?EIO=4&transport=carrier-pigeon`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ code: 0, message: 'Transport unknown' });
    expect(await alive()).toBe(true);
  });
});

describe('bad bodies', () => {
  const post = (headers: Record<string, string>, body: Buffer | string) =>
    fetch(`${hub.url}/api/spotify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });

  it('answers a malformed gzip body with 400 and logs a warning without a stack', async () => {
    const before = logs.lines.length;
    const res = await post({ 'content-encoding': 'gzip' }, Buffer.from('this is not gzip at all'));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_body');
    const lines = logs.lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    const refused = lines.find((l) => l.msg === 'request refused');
    expect(refused).toEqual(expect.objectContaining({ level: 40, code: 'invalid_body' }));
    expect(logs.lines.slice(before).join('\n')).not.toMatch(/"stack"|\n\s+at /);
  });

  it('answers a malformed br body with 400', async () => {
    const res = await post({ 'content-encoding': 'br' }, Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0x13]));
    expect(res.status).toBe(400);
  });

  it('answers an unknown Content-Encoding with 415', async () => {
    const res = await post({ 'content-encoding': 'x-rot13' }, '{"endpoint":"/v1/tracks/1"}');
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_encoding');
  });

  it('answers a 5 MB body with 413, also when it arrives gzipped', async () => {
    const big = JSON.stringify({ endpoint: '/v1/tracks/1', pad: 'x'.repeat(5 * 1024 * 1024) });
    const plain = await post({}, big);
    expect(plain.status).toBe(413);
    const zipped = await post({ 'content-encoding': 'gzip' }, gzipSync(big));
    expect(zipped.status).toBe(413);
    expect(((await zipped.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });
});

describe('CSRF by Origin and Referer', () => {
  let client: CookieClient;
  beforeAll(async () => {
    client = new CookieClient();
    await loginThroughSimulator(client, hub.url, 'alan');
  });

  it('refuses a cookie-authenticated POST without Origin but with a foreign Referer', async () => {
    const res = await fetch(`${hub.url}/api/queue/leave`, {
      method: 'POST',
      headers: { cookie: client.cookieHeader(hub.url), referer: 'https://evil.example/page' },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
  });

  it('refuses a cookie-authenticated POST with neither Origin nor Referer', async () => {
    const res = await fetch(`${hub.url}/api/queue/leave`, {
      method: 'POST',
      headers: { cookie: client.cookieHeader(hub.url) },
    });
    expect(res.status).toBe(403);
  });

  it('refuses Origin: null', async () => {
    const res = await fetch(`${hub.url}/api/queue/leave`, {
      method: 'POST',
      headers: { cookie: client.cookieHeader(hub.url), origin: 'null' },
    });
    expect(res.status).toBe(403);
  });

  it('accepts the same POST with the hub’s own Referer, and a cookie-less script without either', async () => {
    const own = await fetch(`${hub.url}/api/queue/leave`, {
      method: 'POST',
      headers: { cookie: client.cookieHeader(hub.url), referer: `${hub.url}/` },
    });
    expect(own.status).toBe(200);
    const script = await fetch(`${hub.url}/api/operator/pause`, {
      method: 'POST',
      headers: { authorization: 'Bearer operator-token-for-tests' },
    });
    expect(script.status).toBe(200);
    await fetch(`${hub.url}/api/operator/resume`, {
      method: 'POST',
      headers: { authorization: 'Bearer operator-token-for-tests' },
    });
  });

  it('sends Referrer-Policy same-origin, so the pages’ own POSTs carry their Origin', async () => {
    const res = await fetch(`${hub.url}/`);
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
  });
});

describe('logout', () => {
  it('does not log out on a GET that another site started; it asks instead', async () => {
    const client = new CookieClient();
    await loginThroughSimulator(client, hub.url, 'ada');
    const res = await client.request(`${hub.url}/logout`, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<form method="post" action="/logout">');
    expect(res.body).not.toMatch(/style=/);
    const me = await client.request(`${hub.url}/api/me`);
    expect(JSON.parse(me.body)).toEqual(expect.objectContaining({ logged_in: true }));
  });

  it('logs out on a POST from the page (own Origin): the session ends and the user leaves the line', async () => {
    const client = new CookieClient();
    await loginThroughSimulator(client, hub.url, 'ada');
    const inLine = await client.request(`${hub.url}/api/me`);
    expect(['waiting', 'active']).toContain(JSON.parse(inLine.body).queue.state);
    const res = await client.request(`${hub.url}/logout`, { method: 'POST', headers: { origin: hub.url } });
    expect(res.status).toBe(302);
    const me = await client.request(`${hub.url}/api/me`);
    expect(JSON.parse(me.body)).toEqual({ logged_in: false, user: null, queue: null });
    // The line no longer holds them: the operator's view has ada out, as having left.
    const queue = (await (
      await fetch(`${hub.url}/api/operator/queue`, { headers: { authorization: 'Bearer operator-token-for-tests' } })
    ).json()) as QueueFull;
    expect(queue.active?.user_id).not.toBe('ada');
    expect(queue.waiting.map((w) => w.user_id)).not.toContain('ada');
    expect(queue.out).toContainEqual(expect.objectContaining({ user_id: 'ada', reason: 'left' }));
  });
});

describe('client addresses behind a proxy (TRUST_PROXY=1)', () => {
  it('counts the address the proxy saw, so rotating the left-most X-Forwarded-For does not reset the /login limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await fetch(`${hub.url}/login`, {
        redirect: 'manual',
        headers: { 'x-forwarded-for': `10.9.${i}.1, 203.0.113.77` },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5)).toEqual([302, 302, 302, 302, 302]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const other = await fetch(`${hub.url}/login`, {
      redirect: 'manual',
      headers: { 'x-forwarded-for': '203.0.113.78' },
    });
    expect(other.status).toBe(302);
  });
});

describe('routes for this machine only', () => {
  it('serves /metrics to loopback, refuses it through a proxy without the token, and accepts the token', async () => {
    expect((await fetch(`${hub.url}/metrics`)).status).toBe(200);
    const proxied = await fetch(`${hub.url}/metrics`, { headers: { 'x-forwarded-for': '198.51.100.9' } });
    expect(proxied.status).toBe(403);
    const withToken = await fetch(`${hub.url}/metrics`, {
      headers: { 'x-forwarded-for': '198.51.100.9', authorization: 'Bearer metrics-token-for-tests' },
    });
    expect(withToken.status).toBe(200);
    expect(await withToken.text()).toContain('nph_line_length');
  });

  it('refuses the demo simulator’s control API to the network unless the operator token is shown', async () => {
    const body = JSON.stringify({ action: 'pause' });
    const headers = { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.9' };
    const refused = await fetch(`${hub.url}/sim/control/listeners/ada/playback`, { method: 'POST', headers, body });
    expect(refused.status).toBe(403);
    const allowed = await fetch(`${hub.url}/sim/control/listeners/ada/playback`, {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer operator-token-for-tests' },
      body,
    });
    expect(allowed.status).toBeLessThan(300);
    // The simulator's own pages (consent) stay open to phones.
    const consent = await fetch(`${hub.url}/sim/accounts/authorize`, {
      headers: { 'x-forwarded-for': '198.51.100.9' },
    });
    expect(consent.status).not.toBe(403);
  });
});
