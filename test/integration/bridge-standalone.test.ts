import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { spawnIsolated } from '../helpers/isolated-process.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let hub: TestHub;
let folder: string;

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url);
});
afterAll(async () => {
  await hub?.close();
  await redis?.dispose();
});
beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'nph-bridge-alone-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('the bridge on a machine with nothing else set', () => {
  it('starts in an empty folder with only HUB_URL and BRIDGE_TOKEN, connects, and writes nothing', async () => {
    const bridge = spawnIsolated('workers/bridge.main.ts', {
      cwd: folder,
      env: { HUB_URL: hub.url, BRIDGE_TOKEN: 'bridge-token-for-tests' },
    });
    try {
      await bridge.waitForLog((l) => l.msg === 'connected to the hub');
      const running = await bridge.waitForLog((l) => l.msg === 'bridge running');
      expect(running.wsPort).toBe(9980);
      expect(bridge.stdout.join('\n')).not.toMatch(/demo/i);
      expect(bridge.stdout.join('\n')).not.toContain('bridge-token-for-tests');
    } finally {
      expect(await bridge.stop()).toBe(0);
    }
    expect(readdirSync(folder)).toEqual([]);
    expect(bridge.stderr).toEqual([]);
  });

  it('names a missing BRIDGE_TOKEN in one line and exits 78, writing nothing', async () => {
    const bridge = spawnIsolated('workers/bridge.main.ts', { cwd: folder, env: { HUB_URL: hub.url } });
    expect(await bridge.exited).toBe(78);
    expect(bridge.stderr).toEqual([
      'config error: BRIDGE_TOKEN is required: set it to the hub’s BRIDGE_TOKEN (at least 16 characters)',
    ]);
    expect(readdirSync(folder)).toEqual([]);
  });
});
