/**
 * `npm start` in demo mode, as a newcomer runs it: the hub, the worker, the simulator and a crowd,
 * compiled as `npm start` compiles it (scripts/build.ts) and run on plain node.
 */
import { rm } from 'node:fs/promises';
import { buildHub } from '../../scripts/build.js';
import { freePort } from '../helpers/ports.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { spawnRole, type RoleProcess } from '../helpers/roles.js';
import { until } from '../helpers/wait.js';

const BUILT = `test-artifacts/npm-start-${process.pid}`;
let redis: TestRedis;
let hub: RoleProcess;
let url: string;

beforeAll(async () => {
  redis = await startTestRedis();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  await buildHub(`${process.cwd()}/${BUILT}`);
  hub = spawnRole('npm-start', `${BUILT}/bin/start.js`, {
    REDIS_URL: redis.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    DEMO_CROWD: '3',
    OPERATOR_TOKEN: 'operator-token-for-tests',
    POLL_INTERVAL_MS: '500',
  });
  // Generous: start-up bundles the pages with esbuild, slow on a busy 2-core machine.
  await hub.waitForLog((m) => typeof m.msg === 'string' && m.msg.startsWith('hub ready'), 60_000);
}, 90_000);
afterAll(async () => {
  await hub?.kill('SIGTERM');
  await redis?.dispose();
  await rm(BUILT, { recursive: true, force: true });
});

describe('npm start in demo mode', () => {
  it('says loudly that it runs on the simulator', async () => {
    await hub.waitForLog((m) => typeof m.msg === 'string' && m.msg.startsWith('DEMO MODE'));
  });

  it('fills the line with a demo crowd that logs in through /login, and plays their music', async () => {
    const queue = await until(
      async () =>
        (await (
          await fetch(`${url}/api/operator/queue`, { headers: { authorization: 'Bearer operator-token-for-tests' } })
        ).json()) as { active: { display_name: string } | null; waiting: unknown[] },
      (q) => q.active !== null && q.waiting.length === 2,
      30_000,
      'three crowd members in line',
    );
    // Every other crowd member is a guest (venue mode); whoever arrives first drives.
    expect(queue.active!.display_name).toMatch(/\((demo|guest) \d\)$/);
    const np = await until(
      async () =>
        (await (await fetch(`${url}/api/now-playing`)).json()) as { state: string; item: { name: string } | null },
      (p) => p.state === 'playing',
      20_000,
      'a track',
    );
    expect(np.item!.name.length).toBeGreaterThan(0);
    for (const page of ['/', '/operator', '/display']) expect((await fetch(`${url}${page}`)).status).toBe(200);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await hub.kill('SIGTERM')).toBe(0);
  });
});
