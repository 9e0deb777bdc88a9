/**
 * The HTTPS recipe of docs/deploy.md, run for real: Caddy with deploy/Caddyfile in front of a hub
 * with PUBLIC_URL=https://…, TRUST_PROXY=true and the redirect URI derived from it. Caddy serves
 * an IP address here, so it issues the certificate from its own local CA (at a show, with a host
 * name, the same file gets one over ACME); the clients trust that CA and nothing else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { freePort } from '../helpers/ports.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { externalHubEnv, spawnRole, type RoleProcess } from '../helpers/roles.js';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { until } from '../helpers/wait.js';

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;

let redis: TestRedis;
let sim: TestSimulator;
let hub: RoleProcess;
let worker: RoleProcess;
let caddy: ChildProcess;
let caddyHome: string;
let publicUrl: string;
let env: Record<string, string>;
const rootCa = () => readFileSync(path.join(caddyHome, 'data', 'caddy', 'pki', 'authorities', 'local', 'root.crt'));

/** GET over https trusting only Caddy's local CA; answers status, headers and body. */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: rootCa(), headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  if (!lanAddress) throw new Error('this test needs a machine with a LAN address');
  redis = await startTestRedis();
  const [hubPort, httpPort, httpsPort] = [await freePort(), await freePort(), await freePort()];
  publicUrl = `https://${lanAddress}:${httpsPort}`;
  sim = await startTestSimulator({
    clientId: 'hubclient0001',
    clientSecret: 'hub-secret-0001',
    redirectUris: [`${publicUrl}/callback`],
  });
  env = externalHubEnv({
    redisUrl: redis.url,
    port: hubPort,
    publicUrl,
    simUrl: sim.url,
    pollIntervalMs: 500,
    extra: { TRUST_PROXY: 'true' },
  });
  hub = spawnRole('server-behind-caddy', 'server/main.ts', env);
  worker = spawnRole('worker-behind-caddy', 'workers/poll.main.ts', env);
  // Generous: start-up bundles the pages with esbuild, slow on a busy 2-core machine.
  await hub.waitForLog((m) => m.msg === 'server listening', 60_000);

  caddyHome = mkdtempSync(path.join(tmpdir(), 'nph-caddy-'));
  caddy = spawn('caddy', ['run', '--config', 'deploy/Caddyfile', '--adapter', 'caddyfile'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: caddyHome,
      XDG_DATA_HOME: path.join(caddyHome, 'data'),
      XDG_CONFIG_HOME: path.join(caddyHome, 'config'),
      HUB_DOMAIN: lanAddress,
      HUB_UPSTREAM: `127.0.0.1:${hubPort}`,
      CADDY_HTTP_PORT: String(httpPort),
      CADDY_HTTPS_PORT: String(httpsPort),
      CADDY_ADMIN: 'off',
    },
    stdio: 'ignore',
  });
  // Caddy has no "ready" event to subscribe to from outside: wait until it answers over TLS.
  await until(
    () =>
      get(`${publicUrl}/healthz`).then(
        (r) => r.status,
        () => 0,
      ),
    (status) => status === 200,
    30_000,
    'Caddy serving the hub over https',
  );
}, 120_000);
afterAll(async () => {
  if (caddy && caddy.exitCode === null)
    await new Promise((resolve) => (caddy.once('exit', resolve), caddy.kill('SIGTERM')));
  await worker?.kill('SIGTERM');
  await hub?.kill('SIGTERM');
  await sim?.close();
  await redis?.dispose();
  if (caddyHome) rmSync(caddyHome, { recursive: true, force: true });
});

describe('the hub behind Caddy (docs/deploy.md)', () => {
  it('starts a login with a Secure session cookie and the https redirect URI', async () => {
    const res = await get(`${publicUrl}/login`);
    expect(res.status).toBe(302);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('nph.sid='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*Secure/i);
    const authorize = new URL(String(res.headers.location));
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${publicUrl}/callback`);
  });

  it('carries Socket.IO over wss to phones', async () => {
    const socket: Socket = io(publicUrl, {
      transports: ['websocket'],
      ca: rootCa().toString(),
      forceNew: true,
      reconnection: false,
    });
    try {
      const payload = await new Promise<{ seq: number }>((resolve, reject) => {
        socket.once('now_playing', resolve);
        socket.once('connect_error', reject);
      });
      expect(typeof payload.seq).toBe('number');
    } finally {
      socket.close();
    }
  });

  it('passes npm run doctor with nothing that blocks a show', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/doctor.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...env,
        NODE_EXTRA_CA_CERTS: path.join(caddyHome, 'data', 'caddy', 'pki', 'authorities', 'local', 'root.crt'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(out).toMatch(/^ok {4}PUBLIC_URL: https:\/\/.* answers as this hub$/m);
    expect(out.split('\n').filter((l) => /^FAIL/.test(l))).toEqual([]);
    // This set-up connects no venue account: the one warning says how (guests wait for it).
    expect(out.split('\n').filter((l) => /^WARN/.test(l))).toEqual([
      expect.stringMatching(/^WARN {2}venue account: no venue account is connected/),
    ]);
    expect(code).toBe(0);
  });
});
