/**
 * A single-holder lock in Redis (SET NX PX with a random value; released only by its holder, by
 * compare-and-delete in Lua), as the Redis documentation describes for one instance.
 */
import { randomBytes } from 'node:crypto';
import type { RedisClient } from './redis.js';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** Takes the lock if free; answers its release function, or null when someone else holds it. */
export async function tryLock(redis: RedisClient, key: string, ttlMs: number): Promise<(() => Promise<void>) | null> {
  const value = randomBytes(16).toString('hex');
  const got = await redis.set(key, value, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
  if (got !== 'OK') return null;
  return async () => {
    // A failed release only means the lock lives until its TTL.
    await redis.eval(RELEASE, { keys: [key], arguments: [value] }).catch(() => undefined);
  };
}
