/**
 * The workers' side of "poll at once" (shared/ops/poll-now.ts): on each request a server
 * publishes, queue an immediate poll job. Every worker hears the message; the job id is the
 * request's, so BullMQ keeps one job however many workers queue it.
 */
import type { Queue } from 'bullmq';
import type { Logger } from '../../shared/logger.js';
import { POLL_NOW_JOB } from '../../shared/ops/poll-now.js';
import type { RedisClient } from '../../shared/redis.js';

/** Subscribes `subscriber` (a connection of its own: subscribing takes it over) to `channel`. */
export async function listenForPollNow(
  subscriber: RedisClient,
  channel: string,
  queue: Pick<Queue, 'add'>,
  log: Logger,
): Promise<void> {
  await subscriber.subscribe(channel, (message) => {
    // A request time from our own servers; anything else still asks for a poll, under its own id.
    const requestedAt = /^\d{1,16}$/.test(message) ? message : String(Date.now());
    queue
      .add(POLL_NOW_JOB, {}, { jobId: `now-${requestedAt}`, removeOnComplete: true, removeOnFail: true })
      .catch((err: unknown) =>
        log.debug({ err: { message: (err as Error).message } }, 'could not queue a poll at once'),
      );
  });
}
