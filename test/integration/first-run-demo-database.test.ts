/** Choosing, reusing and cleaning the database demo mode keeps its data in on a foreign Redis. */
import { claimDemoDatabase, cleanDemoDatabases, NoDemoDatabaseError } from '../../shared/ops/demo-database.js';
import type { RedisClient } from '../../shared/redis.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let client: RedisClient;

beforeEach(async () => {
  redis = await startTestRedis();
  client = await openRedis(redis.url);
});
afterEach(async () => {
  await client?.close();
  await redis?.dispose();
});

async function inDb<T>(db: number, run: () => Promise<T>): Promise<T> {
  await client.select(db);
  try {
    return await run();
  } finally {
    await client.select(0);
  }
}

describe('the demo database', () => {
  it('is the highest empty one, and the same one again on the next start', async () => {
    await inDb(15, () => client.set('theirs', '1'));
    expect(await claimDemoDatabase(client)).toBe(14);
    // The next start, even after another database became empty, keeps the line where it was.
    await inDb(15, () => client.del('theirs'));
    expect(await claimDemoDatabase(client)).toBe(14);
  });

  it('is refused, not forced, when no database is empty', async () => {
    for (let db = 1; db < 16; db++) await inDb(db, () => client.set('theirs', String(db)));
    await expect(claimDemoDatabase(client)).rejects.toBeInstanceOf(NoDemoDatabaseError);
    for (let db = 1; db < 16; db++) expect(await inDb(db, () => client.get('theirs'))).toBe(String(db));
  });

  it('is cleaned of the hub’s keys only, leaving keys somebody else wrote there later', async () => {
    const db = await claimDemoDatabase(client);
    await inDb(db, async () => {
      await client.set('nph:line', 'demo');
      await client.hSet('nph:bull:poll:meta', 'x', '1');
      await client.set('later-guest', 'keep me');
    });
    await client.set('nph:line', 'database 0 is not the demo’s');
    expect(await cleanDemoDatabases(client)).toEqual([{ database: db, removed: 3, remaining: 1 }]);
    expect(await inDb(db, () => client.keys('*'))).toEqual(['later-guest']);
    expect(await client.get('nph:line')).toBe('database 0 is not the demo’s');
  });
});
