import type { RedisClient } from '../../shared/redis.js';
import { KEY_PREFIX, keys } from '../../shared/redis-keys.js';

/** Empties the line and everything about past turns, keeping sessions and BullMQ's keys. */
export async function resetLine(redis: RedisClient): Promise<void> {
  const doomed: string[] = [];
  for await (const batch of redis.scanIterator({ MATCH: `${KEY_PREFIX}:*`, COUNT: 500 })) {
    for (const key of batch) {
      if (
        key.startsWith(`${KEY_PREFIX}:sess:`) ||
        key.startsWith(`${KEY_PREFIX}:bull`) ||
        key.startsWith(`${KEY_PREFIX}:now-playing:seq`) ||
        key === keys.nowPlayingSeq()
      )
        continue;
      doomed.push(key);
    }
  }
  if (doomed.length > 0) await redis.del(doomed);
}
