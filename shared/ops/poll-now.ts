/**
 * "Poll at once": a turn start or an operator command should reach screens without waiting for
 * the next regular poll. The request is durable (a field in Redis the next poll reads, even one
 * already running) and prompt (a BullMQ job any poll worker picks up at once).
 */
import { Queue } from 'bullmq';
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';

/** The BullMQ queue the poll workers take their jobs from. */
export const POLL_QUEUE = 'poll';
/** Job name of an immediate poll. */
export const POLL_NOW_JOB = 'poll-now';

/** Asks the poll workers for an immediate currently-playing call for the active turn. */
export async function requestPollNow(queue: Queue, redis: RedisClient, now = Date.now()): Promise<void> {
  await redis.hSet(keys.pollStatus(), 'force_at', String(now));
  await queue.add(POLL_NOW_JOB, {}, { removeOnComplete: true, removeOnFail: true });
}

export interface PollTrigger {
  pollNow(): Promise<void>;
  close(): Promise<void>;
}

/** A trigger for processes that do not run a poll worker (the HTTP server). */
export function createPollTrigger(redis: RedisClient, onError: (err: Error) => void = () => undefined): PollTrigger {
  const queue = new Queue(POLL_QUEUE, { connection: redis, prefix: keys.bullPrefix() });
  // An 'error' event without a listener would throw and end the process (Redis timing out, say);
  // a failed trigger only costs the immediate poll.
  queue.on('error', onError);
  return {
    pollNow: () => requestPollNow(queue, redis),
    close: () => queue.close(),
  };
}
