/**
 * Tracks the venue played, by time (a sorted set: URI → epoch ms of the last play), for
 * `TRACK_COOLDOWN_MINUTES`. The worker feeds it with `recordPlayed` when a guest's (or the house's)
 * track starts.
 */
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';

/** Plays older than this are forgotten (the cooldown setting allows at most a week). */
const KEEP_MS = 7 * 24 * 3600_000;

/** Records that `uri` started playing at `at` (epoch ms). */
export async function recordPlayed(redis: RedisClient, uri: string, at: number = Date.now()): Promise<void> {
  await redis
    .multi()
    .zAdd(keys.played(), { score: at, value: uri })
    .zRemRangeByScore(keys.played(), 0, at - KEEP_MS)
    .exec();
}

/** For each of `uris` still in cooldown at `now`, when it frees (epoch ms). */
export async function cooldowns(
  redis: RedisClient,
  uris: readonly string[],
  cooldownMinutes: number,
  now: number = Date.now(),
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (uris.length === 0 || cooldownMinutes <= 0) return out;
  const scores = await redis.zmScore(keys.played(), [...uris]);
  uris.forEach((uri, i) => {
    const at = scores[i];
    if (typeof at === 'number' && at + cooldownMinutes * 60_000 > now) out.set(uri, at + cooldownMinutes * 60_000);
  });
  return out;
}
