/**
 * `npm start` as a newcomer meets it: no Redis at all, or somebody else's Redis already running.
 * Never the Redis on 127.0.0.1:6379: the probed address is pointed at Redis servers this test
 * starts (LOCAL_REDIS_URL), or at a closed port.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { freePort } from '../helpers/ports.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { spawnRole } from '../helpers/roles.js';
import { until } from '../helpers/wait.js';
import type { RedisClient } from '../../shared/redis.js';

/** Runs a `bin/` script to its end; stdout and stderr kept apart. */
function runToEnd(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { HOME: process.env.HOME ?? '', PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm start with no Redis and no redis-server on PATH', () => {
  it('exits non-zero with one line naming the three ways to get a Redis, and no stack trace', async () => {
    const closed = await freePort();
    const alsoClosed = await freePort();
    const result = await runToEnd('bin/start.ts', {
      PATH: '/nonexistent',
      LOCAL_REDIS_URL: `redis://127.0.0.1:${closed}`,
      PRIVATE_REDIS_PORT: String(alsoClosed),
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
    });
    expect(result.code).toBe(69);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`no Redis answers on 127.0.0.1:${closed}`);
    expect(lines[0]).toContain('redis-server is not installed');
    expect(lines[0]).toMatch(/apt install redis-server/);
    expect(lines[0]).toMatch(/docker compose up -d redis/);
    expect(lines[0]).toMatch(/REDIS_URL=/);
    expect(result.stderr + result.stdout).not.toMatch(/\n\s+at /);
  }, 120_000);
});

describe('npm start when its port is taken', () => {
  it('exits non-zero with one line naming the port and how to choose another, and no stack trace', async () => {
    const redis = await startTestRedis();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve()));
    const port = (squatter.address() as { port: number }).port;
    try {
      const result = await runToEnd('bin/start.ts', { REDIS_URL: redis.url, PORT: String(port), HOST: '127.0.0.1' });
      expect(result.code).toBe(69);
      const lines = result.stderr.split('\n').filter(Boolean);
      expect(lines).toEqual([expect.stringContaining(`port ${port} on 127.0.0.1 is already in use`)]);
      expect(lines[0]).toContain('PORT=');
      expect(result.stderr + result.stdout).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
      await redis.dispose();
    }
  }, 120_000);
});

describe('npm start in demo mode on a Redis it did not start', () => {
  let foreign: TestRedis;
  let client: RedisClient;
  let watcher: RedisClient;
  const channels = new Set<string>();
  const foreignKeys = { 'nph:line': 'a developer’s own hub', 'session:42': 'somebody’s app', counter: '7' };

  /** Every key of database `db` with its value (the foreign keys are all strings). */
  async function snapshot(db: number): Promise<Record<string, string | null>> {
    await client.select(db);
    const out: Record<string, string | null> = {};
    for (const key of (await client.keys('*')).sort())
      out[key] = (await client.type(key)) === 'string' ? await client.get(key) : `<${await client.type(key)}>`;
    await client.select(0);
    return out;
  }

  beforeAll(async () => {
    foreign = await startTestRedis();
    client = await openRedis(foreign.url);
    for (const [k, v] of Object.entries(foreignKeys)) await client.set(k, v);
    // Database 15 is in use too: the demo must pick an empty one.
    await client.select(15);
    await client.set('nph:line', 'another hub on database 15');
    await client.select(0);
    watcher = await openRedis(foreign.url);
    await watcher.pSubscribe('*', (_message, channel) => channels.add(channel));
  });
  afterAll(async () => {
    await watcher?.close();
    await client?.close();
    await foreign?.dispose();
  });

  it('says so in one line, keeps its keys and events in a database of its own, and demo:clean removes only them', async () => {
    const before0 = await snapshot(0);
    const before15 = await snapshot(15);
    const port = await freePort();
    const hub = spawnRole('npm-start-foreign', 'bin/start.ts', {
      LOCAL_REDIS_URL: foreign.url,
      PRIVATE_REDIS_PORT: String(await freePort()),
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_CROWD: '2',
      OPERATOR_TOKEN: 'operator-token-for-tests',
      POLL_INTERVAL_MS: '500',
    });
    try {
      const notice = await hub.waitForLog(
        (m) => typeof m.msg === 'string' && m.msg.startsWith('demo mode found a Redis it did not start'),
      );
      expect(notice.database).toBe(14);
      expect(notice.msg).toContain('npm run demo:clean');
      await hub.waitForLog((m) => typeof m.msg === 'string' && m.msg.startsWith('hub ready'), 45_000);
      await until(
        async () => (await (await fetch(`http://127.0.0.1:${port}/api/now-playing`)).json()) as { state: string },
        (np) => np.state === 'playing',
        30_000,
        'the demo crowd playing',
      );
      // The worker's now_playing reached the servers over the demo's own channel…
      await until(
        () => [...channels].some((c) => c.startsWith('nph:db14:socket.io')),
        (ok) => ok,
        10_000,
        'an event on the demo channel',
      );
      // …and nothing went out on the channel a hub on database 0 listens to.
      expect([...channels].filter((c) => c.startsWith('nph:socket.io'))).toEqual([]);
      const demoKeys = Object.keys(await snapshot(14));
      expect(demoKeys).toEqual(expect.arrayContaining(['nph:demo-database', 'nph:{line}:users']));
      expect(demoKeys.some((k) => k.startsWith('nph:bull:'))).toBe(true);
      expect(await snapshot(0)).toEqual(before0);
      expect(await snapshot(15)).toEqual(before15);
    } finally {
      expect(await hub.kill('SIGTERM')).toBe(0);
    }

    const clean = await runToEnd('bin/demo-clean.ts', { LOCAL_REDIS_URL: foreign.url });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/removed \d+ demo keys from database 14/);
    expect(await snapshot(14)).toEqual({});
    expect(await snapshot(0)).toEqual(before0);
    expect(await snapshot(15)).toEqual(before15);
  }, 120_000);
});
