/** Demo mode on a Redis `npm start` did not start: its own database, said in one line. */
import { createClient } from 'redis';
import type { Logger } from '../shared/logger.js';
import { claimDemoDatabase, NoDemoDatabaseError } from '../shared/ops/demo-database.js';
import { redisUrlForDisplay, withDatabase } from '../shared/ops/redis-database.js';
import { keys } from '../shared/redis-keys.js';
import type { RedisClient } from '../shared/redis.js';

/** The URL demo mode should use on the foreign Redis at `url`; exits with one line when it cannot. */
export async function keepDemoApart(url: string, log: Logger): Promise<string> {
  const shown = redisUrlForDisplay(url);
  // A short-lived client of its own: it SELECTs databases, which a shared client must never do.
  const client = createClient({
    url,
    socket: { reconnectStrategy: false, connectTimeout: 2000 },
  }) as unknown as RedisClient;
  client.on('error', () => undefined);
  await client.connect();
  try {
    const db = await claimDemoDatabase(client);
    log.warn(
      { redis: shown, database: db },
      `demo mode found a Redis it did not start at ${shown}: demo data goes to its database ${db} (Socket.IO channel ${keys.socketIoChannel(db)}), apart from what is there; \`npm run demo:clean\` removes it`,
    );
    return withDatabase(url, db);
  } catch (err) {
    if (err instanceof NoDemoDatabaseError) {
      process.stderr.write(
        `npm start: demo mode will not write into the Redis at ${shown}: ${err.message}. Set REDIS_URL to a Redis for the hub, or stop that one so npm start runs a private redis-server.\n`,
      );
      process.exit(69);
    }
    throw err;
  } finally {
    if (client.isOpen) await client.close();
  }
}
