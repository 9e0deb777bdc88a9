/**
 * Hardening across a fleet: two servers on one Redis, as behind a load balancer. Stopping one
 * leaves the other's clients alone, limits are counted once for the whole fleet, and a logout on
 * one server ends the session's sockets on the other.
 */
import { createLogger } from '../../shared/logger.js';
import { startServer, type RunningServer } from '../../server/index.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub, testConfig, TEST_RATE_LIMITS, type TestHub } from '../helpers/hub.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { RecordingSocket } from '../helpers/socket-client.js';

let redis: TestRedis;
let first: TestHub;
const started: RunningServer[] = [];

const LIMITS = { ...TEST_RATE_LIMITS, loginPerMinute: 4 };

beforeAll(async () => {
  redis = await startTestRedis();
  first = await startTestHub(redis.url, { rateLimits: LIMITS, env: { TRUST_PROXY: '1' } });
});
afterAll(async () => {
  for (const s of started) await s.close();
  await first?.close();
  await redis?.dispose();
});

/** Another server of the same hub: same settings and secrets, its own port. */
async function anotherServer(): Promise<RunningServer> {
  const base = await testConfig(redis.url);
  const server = await startServer({ ...first.config, port: base.port }, createLogger({ level: 'silent' }), {
    rateLimits: LIMITS,
    simulatorState: first.sim,
  });
  started.push(server);
  return server;
}

describe('a fleet of two servers', () => {
  it('stopping one server disconnects only its own clients; the other server’s clients stay and keep getting events', async () => {
    const doomed = await anotherServer();
    const survivor = await anotherServer();
    const onDoomed = new RecordingSocket(doomed.url);
    const onSurvivor = new RecordingSocket(survivor.url);
    await Promise.all([onDoomed.connected(), onSurvivor.connected()]);
    const survivorId = onSurvivor.socket.id;
    let survivorDisconnects = 0;
    onSurvivor.socket.on('disconnect', () => (survivorDisconnects += 1));
    const doomedGone = new Promise<string>((resolve) => onDoomed.socket.once('disconnect', resolve));

    await doomed.close();
    // The doomed server's client sees a transport close, which socket.io-client retries by itself.
    expect(await doomedGone).toBe('transport close');

    // The survivor's client is still connected and still receives fleet events.
    const since = Date.now();
    const client = new CookieClient();
    await loginThroughSimulator(client, survivor.url, 'katherine');
    await onSurvivor.next('queue', () => true, 10_000, since);
    expect(onSurvivor.socket.connected).toBe(true);
    expect(onSurvivor.socket.id).toBe(survivorId);
    expect(survivorDisconnects).toBe(0);
    onDoomed.close();
    onSurvivor.close();
  });

  it('counts a limit once for the whole fleet', async () => {
    const other = await anotherServer();
    // One client behind the venue's proxy, whichever server the balancer picks.
    const ask = (url: string) =>
      fetch(`${url}/login`, { redirect: 'manual', headers: { 'x-forwarded-for': '203.0.113.5' } }).then(
        (r) => r.status,
      );
    const statuses = [
      await ask(first.url),
      await ask(other.url),
      await ask(first.url),
      await ask(other.url),
      await ask(first.url),
      await ask(other.url),
    ];
    expect(statuses).toEqual([302, 302, 302, 302, 429, 429]);
  });

  it('a logout on one server ends the session’s socket on the other', async () => {
    const other = await anotherServer();
    const client = new CookieClient();
    await loginThroughSimulator(client, first.url, 'hedy');
    const socket = new RecordingSocket(other.url, { cookie: client.cookieHeader(first.url) });
    await socket.connected();
    await socket.next('you');
    const gone = new Promise<string>((resolve) => socket.socket.once('disconnect', resolve));
    await client.request(`${first.url}/logout`, { method: 'POST', headers: { origin: first.url } });
    expect(await gone).toBe('io server disconnect');
    socket.close();
  });
});
