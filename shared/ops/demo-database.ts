/**
 * Demo data in a Redis that `npm start` did not start (a developer's Redis on 6379, a shared box):
 * demo mode claims a logical database of its own — an empty one, marked with `nph:demo-database`
 * — so the demo's line, sessions and BullMQ queue never mix with keys already there, and
 * `npm run demo:clean` can remove exactly what the demo wrote. Pub/sub channels span databases,
 * so the Socket.IO channel is per database too (see `keys.socketIoChannel`).
 */
import { KEY_PREFIX, keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';

/** No database of that Redis is free for demo data (all in use, or a single-database server). */
export class NoDemoDatabaseError extends Error {
  constructor(readonly databases: number) {
    super(`no empty database among the ${databases} of that Redis to keep demo data apart`);
    this.name = 'NoDemoDatabaseError';
  }
}

/** How many logical databases the server has; 16 (Redis's default) when CONFIG is disabled. */
export async function databaseCount(client: RedisClient): Promise<number> {
  try {
    const reply = await client.configGet('databases');
    const n = Number(reply.databases);
    return Number.isInteger(n) && n > 0 ? n : 16;
  } catch {
    return 16;
  }
}

/** Databases (never 0, the one everybody uses) that an earlier demo marked as its own. */
export async function markedDemoDatabases(client: RedisClient): Promise<number[]> {
  const count = await databaseCount(client);
  const found: number[] = [];
  for (let db = count - 1; db >= 1; db--) {
    await client.select(db);
    if ((await client.exists(keys.demoMarker())) === 1) found.push(db);
  }
  await client.select(0);
  return found;
}

/**
 * The database demo mode should use: one an earlier demo marked (so a restart keeps the line),
 * else the highest-numbered empty one, which it marks. `client` must be on a Redis whose other
 * data must stay untouched; it is left on database 0.
 */
export async function claimDemoDatabase(client: RedisClient, now = new Date()): Promise<number> {
  const [earlier] = await markedDemoDatabases(client);
  if (earlier !== undefined) return earlier;
  const count = await databaseCount(client);
  try {
    for (let db = count - 1; db >= 1; db--) {
      await client.select(db);
      if ((await client.dbSize()) !== 0) continue;
      await client.set(
        keys.demoMarker(),
        `nowplaying-hub demo data since ${now.toISOString()}; npm run demo:clean removes it`,
        { condition: 'NX' },
      );
      return db;
    }
  } finally {
    await client.select(0);
  }
  throw new NoDemoDatabaseError(count);
}

export interface CleanedDatabase {
  readonly database: number;
  readonly removed: number;
  /** Keys left because they are not the hub's (someone else wrote to the database later). */
  readonly remaining: number;
}

/** Removes the hub's keys (`nph:*`) from every database a demo marked; nothing else. */
export async function cleanDemoDatabases(client: RedisClient): Promise<CleanedDatabase[]> {
  const cleaned: CleanedDatabase[] = [];
  for (const db of await markedDemoDatabases(client)) {
    await client.select(db);
    let removed = 0;
    for await (const batch of client.scanIterator({ MATCH: `${KEY_PREFIX}:*`, COUNT: 500 })) {
      if (batch.length > 0) removed += await client.unlink(batch);
    }
    cleaned.push({ database: db, removed, remaining: await client.dbSize() });
  }
  await client.select(0);
  return cleaned;
}
