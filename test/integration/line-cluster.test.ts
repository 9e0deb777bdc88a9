/**
 * The line on a real three-node Redis Cluster: its scripts run there unchanged (every key shares
 * the line's hash tag), and while they run a guard makes Redis refuse any key not passed in KEYS.
 */
import { createCluster } from 'redis';
import { Line, type LineRedis } from '../../shared/queue/line.js';
import * as lua from '../../shared/queue/line-scripts.js';
import { keys } from '../../shared/redis-keys.js';
import { guardKeys } from '../helpers/lua-keys.js';
import { startTestCluster, type TestCluster } from '../helpers/redis-cluster.js';

type Cluster = ReturnType<typeof createCluster>;
type EvalOptions = { keys: string[]; arguments: string[] };

let cluster: TestCluster;
let client: Cluster;

beforeAll(async () => {
  cluster = await startTestCluster();
  client = createCluster({ rootNodes: cluster.nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })) });
  client.on('error', () => undefined);
  await client.connect();
}, 60_000);
afterAll(async () => {
  await client?.close();
  await cluster?.dispose();
});

/**
 * The cluster client, with every script the line sends wrapped in the key guard (sent by EVAL, so
 * the wrapped text is what runs).
 */
function guarded(): LineRedis {
  return {
    evalSha: () => Promise.reject(new Error('NOSCRIPT the guard sends scripts whole')),
    eval: (script: string, options: EvalOptions) => client.eval(guardKeys(script), options),
    hGet: (key: string, field: string) => client.hGet(key, field),
    hVals: (key: string) => client.hVals(key),
  } as unknown as LineRedis;
}

async function lineKeysOnCluster(): Promise<string[]> {
  const all: string[] = [];
  for (const master of client.masters) {
    const node = await client.nodeClient(master);
    all.push(...(await node.keys('nph:*')));
  }
  return all.sort();
}

describe('the line on Redis Cluster', () => {
  it('hashes every key the line scripts touch to one slot', async () => {
    const slots = new Set<number>();
    for (const key of lua.lineScriptKeys())
      slots.add(Number(await client.sendCommand(key, true, ['CLUSTER', 'KEYSLOT', key])));
    expect(slots.size).toBe(1);
  });

  it('joins, advances, takes out, moves, holds and releases, pauses and resumes — every key from KEYS', async () => {
    let now = 1_000_000;
    const line = new Line(guarded(), { turnSeconds: 60, idleSeconds: 30 }, () => now);

    expect(await line.join('ada', 'Ada')).toBe(true);
    expect(await line.join('bob', 'Bob', 'guest')).toBe(true);
    expect(await line.join('cy', 'Cy')).toBe(true);
    expect(await line.join('bob', 'Bobby')).toBe(false); // already waiting: the name changes only
    let s = await line.snapshot();
    expect(s.active?.user_id).toBe('ada');
    expect(s.waiting.map((w) => [w.id, w.display_name])).toEqual([
      ['bob', 'Bobby'],
      ['cy', 'Cy'],
    ]);
    expect((await line.user('bob'))?.kind).toBe('guest');

    // Advance: the turn runs out, the next in line drives.
    now += 60_000;
    expect(await line.tick('ada', true)).toEqual({ ended: { userId: 'ada', reason: 'turn_over' }, promoted: 'bob' });

    // Move and take out a waiting user.
    expect(await line.join('dee', 'Dee')).toBe(true);
    expect(await line.move('dee', 1)).toBe(1);
    expect((await line.snapshot()).waiting.map((w) => w.id)).toEqual(['dee', 'cy']);
    now += 1_000;
    expect(await line.takeOut('cy', 'left')).toBe('waiting');

    // Hold the driver's clock, survive pause/resume and the tick, release.
    now += 10_000;
    expect(await line.holdTurn('bob')).toBe(true);
    expect(await line.pause()).toBe(true);
    expect(await line.resume()).toBe(true);
    now += 120_000;
    expect(await line.tick()).toEqual({ ended: null, promoted: null });
    s = await line.snapshot();
    expect(s.active).toEqual(expect.objectContaining({ user_id: 'bob', ends_at: null, remaining_ms: 49_000 }));
    expect(await line.releaseTurn('bob')).toBe(true);
    expect((await line.snapshot()).active?.ends_at).toBe(now + 49_000);

    // Settings, skip, and taking out the driver.
    await line.updateSettings({ turnSeconds: 90 });
    expect(await line.skip()).toBe('bob');
    expect((await line.snapshot()).active).toEqual(expect.objectContaining({ user_id: 'dee', ends_at: now + 90_000 }));
    now += 1_000; // every user goes out at a different time: the out list is ordered by it
    expect(await line.takeOut('dee', 'removed')).toBe('active');

    s = await line.snapshot();
    expect(s.active).toBeNull();
    expect(s.waiting).toEqual([]);
    expect((await line.recentlyOut()).map((u) => [u.id, u.reason])).toEqual([
      ['dee', 'removed'],
      ['bob', 'turn_over'],
      ['cy', 'left'],
      ['ada', 'turn_over'],
    ]);
    // Everything the line wrote is one of its declared keys.
    expect(await lineKeysOnCluster()).toEqual(
      [...lua.lineScriptKeys()].filter((k) => k !== keys.line() && k !== keys.active()).sort(),
    );
  });

  it('the guard and the cluster refuse a script that touches a key it did not declare', async () => {
    const built = `return redis.call('GET', KEYS[1] .. ':elsewhere')`;
    await expect(client.eval(guardKeys(built), { keys: [keys.users()], arguments: [] })).rejects.toThrow(
      /undeclared key nph:\{line\}:users:elsewhere/,
    );
    // Keys of two slots in one script: the cluster itself says no.
    await expect(
      client.eval(`return redis.call('GET', KEYS[2])`, { keys: ['nph:line', 'nph:users'], arguments: [] }),
    ).rejects.toThrow(/CROSSSLOT|slot/i);
  });
});
