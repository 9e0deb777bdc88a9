/**
 * `npm run demo:clean`: removes what demo mode wrote into a Redis `npm start` did not start (the
 * databases it marked, and only the hub's `nph:*` keys in them). Writes its report to stdout.
 */
import { createClient } from 'redis';
import { ConfigError, loadStartSettings, readEnvironment } from '../shared/config.js';
import { cleanDemoDatabases } from '../shared/ops/demo-database.js';
import { redisUrlForDisplay } from '../shared/ops/redis-database.js';
import type { RedisClient } from '../shared/redis.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const shown = (url: string) => redisUrlForDisplay(url);

let url: string;
try {
  url = loadStartSettings(readEnvironment()).localRedisUrl;
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  for (const p of err.problems) process.stderr.write(`config error: ${p}\n`);
  process.exit(78);
}

const client = createClient({
  url,
  socket: { reconnectStrategy: false, connectTimeout: 2000 },
}) as unknown as RedisClient;
client.on('error', () => undefined);
try {
  await client.connect();
} catch {
  process.stderr.write(`demo:clean: no Redis answers at ${shown(url)} (LOCAL_REDIS_URL); nothing to clean there\n`);
  process.exit(69);
}
const cleaned = await cleanDemoDatabases(client);
await client.close();
if (cleaned.length === 0) say(`demo:clean: no demo data in the Redis at ${shown(url)}`);
for (const c of cleaned) {
  const left = c.remaining > 0 ? `; ${c.remaining} other keys there were left alone` : '';
  say(`demo:clean: removed ${c.removed} demo keys from database ${c.database} of ${shown(url)}${left}`);
}
say(
  'demo:clean: the private redis-server of `npm start` keeps its data in .data/redis; delete that folder to reset it',
);
