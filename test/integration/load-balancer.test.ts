/**
 * docs/haproxy.cfg in front of two server processes, as docker-compose.yml's `lb` profile runs it:
 * long-polling connections stay on the server that knows their session id (the HUBSRV cookie),
 * new connections spread over both servers, WebSocket and the default polling→upgrade path work,
 * and a broadcast reaches phones on both servers through the Redis adapter.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { io as ioClient, type Socket } from 'socket.io-client';
import { freePort, startStack, type Stack } from '../../stack/index.js';
import { until } from '../helpers/wait.js';

let stack: Stack;
let haproxy: ChildProcess;
let lbUrl: string;
const haproxyLog: string[] = [];

function lbEnv(lbPort: number, stack?: Stack): NodeJS.ProcessEnv {
  const hostPort = (url: string) => new URL(url).host;
  return {
    ...process.env,
    HUB_LB_BIND: `127.0.0.1:${lbPort}`,
    HUB_SERVER_1: stack ? hostPort(stack.urls[0]!) : '127.0.0.1:1',
    HUB_SERVER_2: stack ? hostPort(stack.urls[1]!) : '127.0.0.1:2',
  };
}

beforeAll(async () => {
  const lbPort = await freePort();
  lbUrl = `http://127.0.0.1:${lbPort}`;
  stack = await startStack({
    servers: 2,
    publicUrl: lbUrl,
    env: { TRUST_PROXY: '127.0.0.1', IDLE_SECONDS: '3600', TURN_SECONDS: '86400' },
  });
  haproxy = spawn('haproxy', ['-db', '-f', 'docs/haproxy.cfg'], { env: lbEnv(lbPort, stack), stdio: 'pipe' });
  haproxy.stderr!.on('data', (d: Buffer) => haproxyLog.push(d.toString()));
  // Both servers pass HAProxy's health check before the tests start.
  await until(
    async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${lbUrl}/socket.io/?EIO=4&transport=polling`).catch(() => null);
        const m = /HUBSRV=(s\d)/.exec(res?.headers.get('set-cookie') ?? '');
        if (m) seen.add(m[1]!);
      }
      return seen.size;
    },
    (n) => n === 2,
    30_000,
    `both servers behind HAProxy (log: ${haproxyLog.join('')})`,
  );
});

afterAll(async () => {
  if (haproxy && haproxy.exitCode === null) {
    const exited = new Promise((r) => haproxy.once('exit', r));
    haproxy.kill('SIGTERM');
    await exited;
  }
  await stack?.close();
});

test('haproxy -c accepts the shipped config', () => {
  const check = spawnSync('haproxy', ['-c', '-f', 'docs/haproxy.cfg'], { env: lbEnv(8080), encoding: 'utf8' });
  expect(check.stdout + check.stderr).toContain('Configuration file is valid');
  expect(check.status).toBe(0);
});

/** One raw Engine.IO long-polling session: the handshake, then a GET that must reach the same server. */
async function pollingSession(withCookie: boolean): Promise<{ server: string; followUpStatus: number }> {
  const hs = await fetch(`${lbUrl}/socket.io/?EIO=4&transport=polling`);
  const body = await hs.text();
  const sid = (JSON.parse(body.slice(1)) as { sid: string }).sid;
  const server = /HUBSRV=(s\d)/.exec(hs.headers.get('set-cookie') ?? '')?.[1] ?? '';
  // Join the default namespace, then read its answer: two more requests on the same session.
  const headers: Record<string, string> = withCookie ? { cookie: `HUBSRV=${server}` } : {};
  const post = await fetch(`${lbUrl}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'text/plain;charset=UTF-8' },
    body: '40',
  });
  if (post.status !== 200) return { server, followUpStatus: post.status };
  const get = await fetch(`${lbUrl}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { headers });
  await get.text();
  return { server, followUpStatus: get.status };
}

test('long-polling sessions stick to the server that answered their handshake, and spread over both', async () => {
  const sessions = [];
  for (let i = 0; i < 8; i++) sessions.push(await pollingSession(true));
  expect(sessions.map((s) => s.followUpStatus)).toEqual(Array(8).fill(200));
  expect(new Set(sessions.map((s) => s.server))).toEqual(new Set(['s1', 's2']));
});

test('without the cookie, follow-up polling requests land on a server that does not know the session', async () => {
  const sessions = [];
  for (let i = 0; i < 8; i++) sessions.push(await pollingSession(false));
  expect(sessions.some((s) => s.followUpStatus === 400)).toBe(true);
});

test.each([
  ['websocket only', { transports: ['websocket'] }],
  ['polling, then upgrade (the pages)', { withCredentials: true }],
  ['polling only, cookies kept', { transports: ['polling'], withCredentials: true }],
])('socket.io-client connects through the load balancer: %s', async (_name, opts) => {
  const socket = ioClient(lbUrl, { forceNew: true, reconnection: false, ...opts });
  try {
    const state = await new Promise<unknown>((resolve, reject) => {
      socket.once('now_playing', resolve);
      socket.once('connect_error', reject);
    });
    expect(state).toHaveProperty('server_time');
    // A round trip on the same session: a clock ping answered by the server that holds it.
    const pong = await new Promise<{ client_time: number }>((resolve) => {
      socket.once('pong_time', resolve);
      socket.emit('ping_time', { client_time: 12345 });
    });
    expect(pong.client_time).toBe(12345);
  } finally {
    socket.close();
  }
});

/** Sockets in `/` on one server process, from its own /metrics (loopback may read it). */
async function socketsOn(serverUrl: string): Promise<number> {
  const text = await (await fetch(`${serverUrl}/metrics`)).text();
  return Number(/^nph_sockets\{namespace="\/"\} (\d+)$/m.exec(text)?.[1] ?? NaN);
}

test('a track change reaches phones on both servers', async () => {
  await stack.login('ada');
  await stack.control('ada', { action: 'play' });
  const sockets: Socket[] = [];
  const items = new Map<number, string | undefined>();
  for (let i = 0; i < 6; i++) {
    const s = ioClient(lbUrl, { transports: ['polling'], withCredentials: true, forceNew: true, reconnection: false });
    s.on('now_playing', (p: { item?: { id: string } | null }) => items.set(i, p.item?.id));
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
  }
  try {
    const counts = await Promise.all(stack.urls.map(socketsOn));
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
    await stack.control('ada', { action: 'next' });
    const playback = stack.sim.state.listeners.get('ada')!.playback;
    const id = playback.playlist[playback.index];
    await until(
      () => sockets.filter((_, i) => items.get(i) === id).length,
      (n) => n === sockets.length,
      20_000,
      'the new track on every phone',
    );
  } finally {
    for (const s of sockets) s.close();
  }
});
