/**
 * Hardening of the Socket.IO surface: origin checks against cross-site WebSocket hijacking,
 * token guessing limited per client, line actions limited and their broadcasts coalesced, logout
 * ending a session's sockets, and malformed or oversized frames closing only their own connection.
 */
import { io as ioClient, type Socket } from 'socket.io-client';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { RecordingSocket } from '../helpers/socket-client.js';
import { until } from '../helpers/wait.js';

let redis: TestRedis;
let hub: TestHub;
const OPERATOR = 'operator-token-for-tests';
const BRIDGE = 'bridge-token-for-tests';

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url, {
    env: { TRUST_PROXY: '1' },
    rateLimits: { secretFailuresPer15Minutes: 3, lineActionsPerSessionPerMinute: 12 },
  });
});
afterAll(async () => {
  await hub?.close();
  await redis?.dispose();
});

/** Connects and resolves with the outcome of the handshake. */
function handshake(
  namespace: string,
  opts: { origin?: string; cookie?: string; token?: string; ip?: string },
): Promise<{ ok: true; socket: Socket } | { ok: false; code: unknown; message: string }> {
  const headers: Record<string, string> = {};
  if (opts.origin) headers.origin = opts.origin;
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.ip) headers['x-forwarded-for'] = opts.ip;
  const socket = ioClient(`${hub.url}${namespace}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: headers,
    ...(opts.token !== undefined ? { auth: { token: opts.token } } : {}),
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ ok: true, socket }));
    socket.once('connect_error', (err: Error & { data?: { code?: unknown } }) => {
      socket.close();
      resolve({ ok: false, code: err.data?.code, message: err.message });
    });
  });
}

async function operatorCookie(): Promise<CookieClient> {
  const client = new CookieClient();
  const res = await client.request(`${hub.url}/api/operator/login`, {
    json: { token: OPERATOR },
    headers: { 'x-forwarded-for': '192.0.2.200' },
  });
  expect(res.status).toBe(200);
  return client;
}

describe('cross-site WebSocket hijacking', () => {
  it('refuses an /operator handshake from a foreign Origin carrying an operator session cookie', async () => {
    const op = await operatorCookie();
    const res = await handshake('/operator', { origin: 'https://evil.example', cookie: op.cookieHeader(hub.url) });
    expect(res.ok).toBe(false);
  });

  it('refuses a foreign Origin on / too, and Origin: null', async () => {
    expect((await handshake('/', { origin: 'https://evil.example' })).ok).toBe(false);
    expect((await handshake('/', { origin: 'null' })).ok).toBe(false);
  });

  it('lets the hub’s own page connect to /operator with the session and receive the whole line', async () => {
    const op = await operatorCookie();
    const res = await handshake('/operator', { origin: hub.url, cookie: op.cookieHeader(hub.url) });
    if (!res.ok) throw new Error(`refused: ${res.message}`);
    const full = await new Promise((resolve) => res.socket.once('queue_full', resolve));
    expect(full).toEqual(expect.objectContaining({ waiting: expect.any(Array) }));
    res.socket.close();
  });

  it('lets a client without Origin (the bridge, TouchDesigner) authenticate by token', async () => {
    const res = await handshake('/bridge', { token: BRIDGE });
    expect(res.ok).toBe(true);
    if (res.ok) res.socket.close();
  });
});

describe('token guessing', () => {
  it('limits wrong auth.token handshakes per client: after the budget even the right token waits', async () => {
    const ip = '192.0.2.10';
    for (let i = 0; i < 3; i++) {
      const wrong = await handshake('/bridge', { token: `guess-${i}`, ip });
      expect(wrong).toEqual(expect.objectContaining({ ok: false, code: 'invalid_token' }));
    }
    const blocked = await handshake('/bridge', { token: BRIDGE, ip });
    expect(blocked).toEqual(expect.objectContaining({ ok: false, code: 'rate_limited' }));
    // Another client is not affected.
    const other = await handshake('/bridge', { token: BRIDGE, ip: '192.0.2.11' });
    expect(other.ok).toBe(true);
    if (other.ok) other.socket.close();
  });

  it('counts wrong Bearer tokens on the operator API and wrong /operator auth.token in one budget', async () => {
    const ip = '192.0.2.20';
    const bearer = (token: string) =>
      fetch(`${hub.url}/api/operator/queue`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': ip } });
    expect((await bearer('nope-1')).status).toBe(401);
    expect((await bearer('nope-2')).status).toBe(401);
    expect(await handshake('/operator', { token: 'nope-3', ip })).toEqual(
      expect.objectContaining({ ok: false, code: 'invalid_token' }),
    );
    const blocked = await bearer(OPERATOR);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('counts failures, not successes, for the operator sign-in', async () => {
    const ip = '192.0.2.30';
    for (let i = 0; i < 6; i++) {
      const ok = await fetch(`${hub.url}/api/operator/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ token: OPERATOR }),
      });
      expect(ok.status).toBe(200);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${hub.url}/api/operator/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ token: `wrong-${i}` }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});

describe('line actions', () => {
  it('limits join/leave per session', async () => {
    const client = new CookieClient();
    await loginThroughSimulator(client, hub.url, 'hedy');
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const res = await client.request(`${hub.url}/api/queue/${i % 2 === 0 ? 'leave' : 'join'}`, {
        method: 'POST',
        headers: { 'x-forwarded-for': '192.0.2.40' },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 12).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(12)).toEqual([429, 429]);
  });

  it('coalesces line broadcasts during a burst and always ends on the newest line', async () => {
    const users = ['ada', 'grace', 'alan', 'katherine'];
    for (const u of users) await loginThroughSimulator(new CookieClient(), hub.url, u);
    const watcher = new RecordingSocket(`${hub.url}/operator`, { auth: { token: OPERATOR } });
    await watcher.connected();
    await watcher.next('queue_full');
    const start = Date.now();
    const op = { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' };
    const waiting = async () =>
      (
        (await (await fetch(`${hub.url}/api/operator/queue`, { headers: op })).json()) as {
          waiting: { user_id: string }[];
        }
      ).waiting.map((w) => w.user_id);
    const before = await waiting();
    expect(before.length).toBeGreaterThanOrEqual(3);
    const moves = 40;
    for (let i = 0; i < moves; i++) {
      const who = before[i % before.length]!;
      await fetch(`${hub.url}/api/operator/move`, {
        method: 'POST',
        headers: op,
        body: JSON.stringify({ userId: who, position: 1 + ((i * 7) % before.length) }),
      });
    }
    const finalOrder = await waiting();
    const last = await watcher.next(
      'queue_full',
      (p) => p.waiting.map((w) => w.user_id).join() === finalOrder.join(),
      5_000,
      start,
    );
    const elapsed = Date.now() - start;
    const received = watcher.events.filter((e) => e.event === 'queue_full' && e.at >= start).length;
    expect(last.waiting.map((w) => w.user_id)).toEqual(finalOrder);
    // At most one broadcast per 250 ms window (plus the leading one), far fewer than the 40 changes.
    expect(received).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 2);
    expect(received).toBeLessThan(moves);
    watcher.close();
  });
});

describe('logout ends the session’s sockets', () => {
  it('disconnects the operator’s /operator socket when the operator logs out', async () => {
    const op = await operatorCookie();
    const res = await handshake('/operator', { origin: hub.url, cookie: op.cookieHeader(hub.url) });
    if (!res.ok) throw new Error(`refused: ${res.message}`);
    const gone = new Promise<string>((resolve) => res.socket.once('disconnect', resolve));
    const out = await op.request(`${hub.url}/api/operator/logout`, { method: 'POST', headers: { origin: hub.url } });
    expect(out.status).toBe(200);
    expect(await gone).toBe('io server disconnect');
    // And the session can no longer open it.
    expect((await handshake('/operator', { origin: hub.url, cookie: op.cookieHeader(hub.url) })).ok).toBe(false);
  });

  it('disconnects an audience member’s / socket when they log out', async () => {
    const client = new CookieClient();
    await loginThroughSimulator(client, hub.url, 'margaret');
    const res = await handshake('/', { origin: hub.url, cookie: client.cookieHeader(hub.url) });
    if (!res.ok) throw new Error(`refused: ${res.message}`);
    const gone = new Promise<string>((resolve) => res.socket.once('disconnect', resolve));
    await client.request(`${hub.url}/logout`, { method: 'POST', headers: { origin: hub.url } });
    expect(await gone).toBe('io server disconnect');
  });
});

describe('malformed and oversized frames', () => {
  function rawSocket(): Promise<WebSocket> {
    const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    return new Promise((resolve, reject) => {
      ws.once('message', () => {
        ws.send('40'); // connect to "/"
        resolve(ws);
      });
      ws.once('error', reject);
    });
  }
  const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

  it('closes only the connection that sends a malformed Socket.IO packet', async () => {
    const bystander = new RecordingSocket(hub.url);
    await bystander.connected();
    const ws = await rawSocket();
    const done = closed(ws);
    ws.send('42["ping_time",{"client_time":'); // broken JSON inside an EVENT packet
    await done;
    bystander.socket.emit('ping_time', { client_time: 7 });
    expect(await bystander.next('pong_time', (p) => p.client_time === 7)).toEqual(
      expect.objectContaining({ client_time: 7 }),
    );
    bystander.close();
  });

  it('closes only the connection that sends a 2 MB message', async () => {
    const bystander = new RecordingSocket(hub.url);
    await bystander.connected();
    const ws = await rawSocket();
    const done = closed(ws);
    ws.send(`42["ping_time",{"client_time":1,"pad":"${'x'.repeat(2 * 1024 * 1024)}"}]`);
    await done;
    bystander.socket.emit('ping_time', { client_time: 8 });
    expect(await bystander.next('pong_time', (p) => p.client_time === 8)).toEqual(
      expect.objectContaining({ client_time: 8 }),
    );
    bystander.close();
  });

  it('answers a ping_time with a payload of the wrong shape without failing', async () => {
    const s = new RecordingSocket(hub.url);
    await s.connected();
    s.socket.emit('ping_time', { client_time: 'soon' });
    expect(await s.next('pong_time')).toEqual(
      expect.objectContaining({ client_time: 0, server_time: expect.any(Number) }),
    );
    s.close();
  });
});

/** A full garbage collection, so heap figures compare live objects only. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('connection churn', () => {
  it('returns socket counts, handles and heap to their baseline after 2,000 connections come and go', async () => {
    const io = hub.server.io;
    await until(
      () => io.of('/').sockets.size,
      (n) => n === 0,
      10_000,
      'no sockets left from earlier tests',
    );
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const handlesBefore = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    const clients: Socket[] = [];
    for (let round = 0; round < 4; round++) {
      const batch = Array.from({ length: 500 }, () =>
        ioClient(hub.url, { transports: ['websocket'], forceNew: true, reconnection: false }),
      );
      await Promise.all(
        batch.map(
          (c) =>
            new Promise<void>((resolve, reject) => {
              c.once('connect', () => resolve());
              c.once('connect_error', reject);
            }),
        ),
      );
      clients.push(...batch);
      // Churn: half of this batch leaves at once.
      for (const c of batch.slice(0, 250)) c.close();
    }
    expect(io.of('/').sockets.size).toBeGreaterThanOrEqual(1);
    for (const c of clients) c.close();
    await until(
      () => io.of('/').sockets.size,
      (n) => n === 0,
      20_000,
      'every socket gone',
    );
    await until(
      () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length,
      (n) => n <= handlesBefore + 5,
      20_000,
      'handles back near baseline',
    );
    expect(io.of('/').adapter.rooms.size).toBe(0);
    clients.length = 0;
    collectGarbage();
    // The clients lived in this process too; what stays must be small next to 2,000 connections.
    const grownMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    expect(grownMb).toBeLessThan(25);
  });
});
