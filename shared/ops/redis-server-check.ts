/**
 * What a Redis must be for the hub: BullMQ needs Redis 5 or later (6.2+ recommended) and the
 * `noeviction` policy, or Redis may silently drop queue keys under memory pressure
 * (https://docs.bullmq.io/guide/going-to-production#max-memory-policy). Start-up and `doctor`
 * report these; nothing here stops the hub.
 */
import type { RedisClient } from '../redis.js';

export interface RedisServerFacts {
  readonly version: string;
  readonly maxmemoryPolicy: string;
}

export interface RedisFinding {
  /** `blocker`: BullMQ cannot run; `warn`: works, but can lose data or misbehave. */
  readonly severity: 'blocker' | 'warn';
  readonly message: string;
}

/** Reads the version and eviction policy through INFO, which works where CONFIG is disabled. */
export async function readRedisFacts(client: RedisClient): Promise<RedisServerFacts> {
  const info = await client.info();
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? 'unknown';
  return { version: field('redis_version'), maxmemoryPolicy: field('maxmemory_policy') };
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [ma, mi] = version.split('.').map(Number);
  if (ma === undefined || mi === undefined || Number.isNaN(ma) || Number.isNaN(mi)) return true; // unknown: do not cry wolf
  return ma > major || (ma === major && mi >= minor);
}

/** What to tell the crew about this Redis, one finding per problem; empty when all is well. */
export function judgeRedis(facts: RedisServerFacts): RedisFinding[] {
  const findings: RedisFinding[] = [];
  if (!versionAtLeast(facts.version, 5, 0)) {
    findings.push({
      severity: 'blocker',
      message: `Redis ${facts.version} is too old: BullMQ needs Redis 5 or later (6.2+ recommended)`,
    });
  } else if (!versionAtLeast(facts.version, 6, 2)) {
    findings.push({ severity: 'warn', message: `Redis ${facts.version} works, but BullMQ recommends 6.2 or later` });
  }
  if (facts.maxmemoryPolicy !== 'noeviction' && facts.maxmemoryPolicy !== 'unknown') {
    findings.push({
      severity: 'warn',
      message: `Redis maxmemory-policy is ${facts.maxmemoryPolicy}: BullMQ needs noeviction, or Redis may drop queue keys when memory runs out (redis-cli CONFIG SET maxmemory-policy noeviction, and in redis.conf)`,
    });
  }
  return findings;
}
