/** A private redis-server per test file: the stack's (stack/redis-server.ts), under the names tests import. */
import type { RedisClient } from '../../shared/redis.js';
import { openRedis, startRedis, type StackRedis } from '../../stack/redis-server.js';

export { openRedis, startRedis as startTestRedis, type StackRedis as TestRedis } from '../../stack/redis-server.js';

export interface PrivateRedis {
  /** One client connected to it (read inside tests and hooks: it exists from `beforeAll` on). */
  readonly client: RedisClient;
  readonly url: string;
}

/**
 * Starts a private redis-server with one client before the file's tests and stops both after them,
 * for test files that need nothing else around Redis.
 */
export function usePrivateRedis(): PrivateRedis {
  let server: StackRedis | undefined;
  let client: RedisClient | undefined;
  beforeAll(async () => {
    server = await startRedis();
    client = await openRedis(server.url);
  });
  afterAll(async () => {
    await client?.close();
    await server?.dispose();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the private Redis starts in beforeAll');
    return value;
  };
  return {
    get client() {
      return started(client);
    },
    get url() {
      return started(server).url;
    },
  };
}
