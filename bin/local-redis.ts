/**
 * `npm start` without REDIS_URL: use the Redis at LOCAL_REDIS_URL (127.0.0.1:6379) if one answers,
 * else a private `redis-server` on PRIVATE_REDIS_PORT with its data (AOF) under ./.data/redis —
 * one left running by an earlier start, or a new one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createClient } from 'redis';
import { DATA_DIR, type StartSettings } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { redisUrlForDisplay } from '../shared/ops/redis-database.js';

/** No Redis to use and none to start: an expected state on a fresh machine, not a crash. */
export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

export interface LocalRedis {
  readonly url: string;
  /** The redis-server this process started (stopped on shutdown), or null. */
  readonly child: ChildProcess | null;
  /** `foreign`: a Redis `npm start` did not start, which may hold anybody's data. */
  readonly origin: 'foreign' | 'private';
}

/** The `dir` of the Redis at `url` if it answers PING, `null` when nothing answers. */
async function probe(url: string): Promise<{ dir: string | null } | null> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    let dir: string | null = null;
    try {
      dir = (await client.configGet('dir')).dir ?? null;
    } catch {
      // CONFIG may be renamed or disabled on a managed Redis; then it is not ours anyway.
    }
    await client.close();
    return { dir };
  } catch {
    client.destroy();
    return null;
  }
}

export function redisServerInstalled(): boolean {
  const result = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

export async function findOrStartRedis(settings: StartSettings, log: Logger): Promise<LocalRedis> {
  if (await probe(settings.localRedisUrl)) return { url: settings.localRedisUrl, child: null, origin: 'foreign' };

  const dir = path.join(DATA_DIR, 'redis');
  const privateUrl = `redis://127.0.0.1:${settings.privateRedisPort}`;
  const running = await probe(privateUrl);
  if (running) {
    // Left running by an earlier `npm start` (its data folder is ours), or somebody else's.
    const ours = running.dir !== null && path.resolve(running.dir) === dir;
    if (ours)
      log.info(
        { port: settings.privateRedisPort },
        `using the private redis-server already running on port ${settings.privateRedisPort}`,
      );
    return { url: privateUrl, child: null, origin: ours ? 'private' : 'foreign' };
  }

  const where = redisUrlForDisplay(settings.localRedisUrl).replace(/^redis:\/\//, '');
  if (!redisServerInstalled()) {
    throw new RedisUnavailableError(
      `no Redis answers on ${where} and redis-server is not installed. Get one of: the system package (sudo apt install redis-server, brew install redis), \`docker compose up -d redis\` (publishes 127.0.0.1:6379), or REDIS_URL=redis://host:6379 pointing at a Redis you have.`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(settings.privateRedisPort),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.once('error', () => {
    exited = true;
  });
  // Redis answers within a few hundred ms; a child that exits (port taken) fails at once.
  for (let i = 0; i < 100 && !exited && !(await probe(privateUrl)); i++) await new Promise((r) => setTimeout(r, 100));
  if (exited || !(await probe(privateUrl))) {
    child.kill('SIGKILL');
    throw new RedisUnavailableError(
      `no Redis answers on ${where}, and the private redis-server did not start on port ${settings.privateRedisPort} (is the port taken? PRIVATE_REDIS_PORT moves it).`,
    );
  }
  log.warn(
    { dir, port: settings.privateRedisPort },
    `no Redis on ${where}, so started a private redis-server on port ${settings.privateRedisPort} with its data in ${dir}`,
  );
  return { url: privateUrl, child, origin: 'private' };
}
