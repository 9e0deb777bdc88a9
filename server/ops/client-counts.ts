/**
 * Socket counts per namespace across every server process: each process writes its own counts
 * to one Redis hash every few seconds; readers sum the entries that are fresh.
 */
import { keys } from '../../shared/redis-keys.js';
import type { RedisClient } from '../../shared/redis.js';
import { NAMESPACES, type NamespaceName } from '../../shared/realtime/fanout.js';

/** Sockets per namespace, and how many of `/` are projector displays (they announce themselves). */
export type Counts = Record<NamespaceName, number> & { displays: number };
const STALE_MS = 15_000;

export const zeroCounts = (): Counts => ({ '/': 0, '/operator': 0, '/bridge': 0, displays: 0 });

export async function publishCounts(
  redis: RedisClient,
  instanceId: string,
  counts: Counts,
  now = Date.now(),
): Promise<void> {
  await redis.hSet(keys.clients(), instanceId, JSON.stringify({ ...counts, at: now }));
}

export async function removeCounts(redis: RedisClient, instanceId: string): Promise<void> {
  await redis.hDel(keys.clients(), instanceId);
}

export async function fleetCounts(redis: RedisClient, now = Date.now()): Promise<Counts> {
  const all = await redis.hGetAll(keys.clients());
  const total = zeroCounts();
  const stale: string[] = [];
  for (const [id, raw] of Object.entries(all)) {
    try {
      const entry = JSON.parse(raw) as Partial<Counts> & { at?: number };
      if (!entry.at || now - entry.at > STALE_MS) {
        stale.push(id);
        continue;
      }
      for (const nsp of NAMESPACES) total[nsp] += Number(entry[nsp] ?? 0);
      total.displays += Number(entry.displays ?? 0);
    } catch {
      stale.push(id);
    }
  }
  // Entries of processes that died without cleaning up.
  if (stale.length > 0) await redis.hDel(keys.clients(), stale).catch(() => undefined);
  return total;
}
