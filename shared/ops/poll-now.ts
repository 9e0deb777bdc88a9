/**
 * "Poll at once": a turn start or an operator command should reach screens without waiting for
 * the next regular poll. The request is durable (a field in Redis the next poll reads, even one
 * already running) and prompt (a pub/sub message on which every poll worker queues a job at once;
 * workers/poller/poll-now-listener.ts).
 *
 * The server only publishes: BullMQ (with ioredis and a native MessagePack addon, about 9 MB
 * resident) stays in the workers, out of the process that holds every phone's connection.
 */
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';

/** The BullMQ queue the poll workers take their jobs from. */
export const POLL_QUEUE = 'poll';
/** Job name of an immediate poll. */
export const POLL_NOW_JOB = 'poll-now';

/** What a trigger needs of Redis: one hash write and one publish. */
export type PollNowRedis = Pick<RedisClient, 'hSet' | 'publish'>;

/**
 * Asks the poll workers for an immediate currently-playing call for the active turn. `channel`:
 * keys.pollNowChannel() of the Redis database the hub uses (pub/sub ignores databases).
 */
export async function requestPollNow(redis: PollNowRedis, channel: string, now = Date.now()): Promise<void> {
  // The field first: a worker woken by the message must find it.
  await redis.hSet(keys.pollStatus(), 'force_at', String(now));
  await redis.publish(channel, String(now));
}

export interface PollTrigger {
  pollNow(): Promise<void>;
}

/** A trigger for processes that do not run a poll worker (the HTTP server). */
export function createPollTrigger(redis: PollNowRedis, channel: string): PollTrigger {
  return { pollNow: () => requestPollNow(redis, channel) };
}
