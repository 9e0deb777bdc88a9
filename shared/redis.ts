/**
 * node-redis clients that survive Redis restarts: every client has an `error` listener (an
 * unhandled one would crash the process), reconnects with capped backoff forever, and logs its
 * state changes once rather than per retry.
 */
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from './logger.js';

export type RedisClient = RedisClientType;

export interface RedisOptions {
  readonly url: string;
  readonly name: string;
  /**
   * Fail commands at once while disconnected instead of queueing them: request paths want a
   * fast 503, not a hang. BullMQ and the socket adapter want the queue.
   */
  readonly failFast?: boolean;
}

export function createRedis(options: RedisOptions, log: Logger): RedisClient {
  const client = createClient({
    url: options.url,
    name: options.name,
    disableOfflineQueue: options.failFast ?? false,
    socket: {
      connectTimeout: 5000,
      reconnectStrategy: (retries: number) =>
        Math.min(50 * 2 ** Math.min(retries, 6), 2000) + Math.floor(Math.random() * 100),
    },
  }) as unknown as RedisClient;
  let up = false;
  let reported = false;
  client.on('ready', () => {
    if (!up) log.info({ redis: options.name }, 'redis connected');
    up = true;
    reported = false;
  });
  client.on('error', (err: Error) => {
    if (!reported)
      log.warn({ redis: options.name, err: { message: err.message } }, 'redis connection lost; reconnecting');
    up = false;
    reported = true;
  });
  return client;
}

/** Connects and waits for the first `ready`. */
export async function connectRedis(options: RedisOptions, log: Logger): Promise<RedisClient> {
  const client = createRedis(options, log);
  await client.connect();
  return client;
}

/**
 * Closes gracefully (pending commands finish), waiting up to `timeoutMs` for a reconnecting client
 * to come back first; a client that cannot is destroyed, so shutdown never hangs on Redis.
 */
export async function closeRedis(client: RedisClient, timeoutMs = 3000): Promise<void> {
  if (!client.isOpen) return;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  if (!client.isReady) await Promise.race([new Promise((resolve) => client.once('ready', resolve)), expired]);
  const outcome = client.isReady
    ? await Promise.race([
        client.close().then(
          () => 'closed' as const,
          () => 'failed' as const,
        ),
        expired,
      ])
    : 'timeout';
  clearTimeout(timer);
  if (outcome !== 'closed' && client.isOpen) client.destroy();
}
