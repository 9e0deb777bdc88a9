/**
 * A single-holder lock in Redis (SET NX PX with a random value; released and extended only by its
 * holder, by compare-and-delete / compare-and-expire in Lua), as the Redis documentation
 * describes for one instance.
 */
import { randomBytes } from 'node:crypto';
import type { RedisClient } from './redis.js';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

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

export interface HeldLock {
  release(): Promise<void>;
  /** True once a renewal found the lock gone (expired and maybe taken by someone else). */
  lost(): boolean;
}

/**
 * Takes the lock and keeps extending it every third of `ttlMs` while the holder works, for at most
 * `maxHoldMs`: a holder that dies or hangs loses the lock within `ttlMs` (or `maxHoldMs`), a holder
 * that is merely slow keeps it.
 */
export async function holdLock(
  redis: RedisClient,
  key: string,
  ttlMs: number,
  maxHoldMs: number,
): Promise<HeldLock | null> {
  const value = randomBytes(16).toString('hex');
  const got = await redis.set(key, value, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
  if (got !== 'OK') return null;
  const started = Date.now();
  let lost = false;
  const timer = setInterval(
    () => {
      if (Date.now() - started + ttlMs > maxHoldMs) {
        clearInterval(timer);
        return;
      }
      redis
        .eval(EXTEND, { keys: [key], arguments: [value, String(ttlMs)] })
        .then((r) => {
          if (r === 0) lost = true;
        })
        .catch(() => undefined);
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    lost: () => lost,
    async release() {
      clearInterval(timer);
      await redis.eval(RELEASE, { keys: [key], arguments: [value] }).catch(() => undefined);
    },
  };
}
