/** Start-up check of the Redis the hub will use: version and eviction policy, as warnings only. */
import { createClient } from 'redis';
import type { Logger } from '../shared/logger.js';
import { judgeRedis, readRedisFacts } from '../shared/ops/redis-server-check.js';
import type { RedisClient } from '../shared/redis.js';

export async function reportRedisServer(url: string, log: Logger): Promise<void> {
  // One attempt, no reconnects: the server's own clients report an unreachable Redis and retry.
  const client = createClient({
    url,
    name: 'startup-check',
    socket: { reconnectStrategy: false, connectTimeout: 2000 },
  }) as unknown as RedisClient;
  client.on('error', () => undefined);
  try {
    await client.connect();
    const facts = await readRedisFacts(client);
    const findings = judgeRedis(facts);
    const fields = { redisVersion: facts.version, maxmemoryPolicy: facts.maxmemoryPolicy };
    for (const f of findings) log.warn(fields, f.message);
    if (findings.length === 0) log.info(fields, `Redis ${facts.version}, maxmemory-policy ${facts.maxmemoryPolicy}`);
    await client.close();
  } catch (err) {
    log.warn({ err: { message: (err as Error).message } }, 'could not check the Redis version and eviction policy');
    if (client.isOpen) client.destroy();
  }
}
