/**
 * A guest's picks: an ordered list of tracks with what the phone shows (title, artists, art,
 * length). `started` counts the picks the worker already sent to the player in the current turn;
 * those cannot change any more.
 */
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';
import type { GuestPickWire } from '../events.js';

/** A stored pick is exactly what clients see of it, so the store keeps the wire shape. */
export type GuestPick = GuestPickWire;

export interface PicksRecord {
  picks: GuestPick[];
  /** How many picks (from the start) the current turn already started. */
  started: number;
}

const EMPTY: PicksRecord = { picks: [], started: 0 };
/** Picks outlive a session by a little, never the show. */
const TTL_SECONDS = 24 * 3600;

function parsePicks(raw: string | null): PicksRecord {
  if (!raw) return { ...EMPTY, picks: [] };
  try {
    const parsed = JSON.parse(raw) as PicksRecord;
    return { picks: Array.isArray(parsed.picks) ? parsed.picks : [], started: Number(parsed.started) || 0 };
  } catch {
    return { ...EMPTY, picks: [] };
  }
}

export class PicksStore {
  readonly #redis: RedisClient;

  constructor(redis: RedisClient) {
    this.#redis = redis;
  }

  async get(userId: string): Promise<PicksRecord> {
    return parsePicks(await this.#redis.get(keys.picks(userId)));
  }

  /** Several guests' picks in one round trip (the line's `you` events carry them). */
  async getMany(userIds: readonly string[]): Promise<Map<string, PicksRecord>> {
    const out = new Map<string, PicksRecord>();
    if (userIds.length === 0) return out;
    const raw = await this.#redis.mGet(userIds.map((id) => keys.picks(id)));
    userIds.forEach((id, i) => out.set(id, parsePicks(raw[i] ?? null)));
    return out;
  }

  async set(userId: string, record: PicksRecord): Promise<void> {
    await this.#redis.set(keys.picks(userId), JSON.stringify(record), { EX: TTL_SECONDS });
  }

  /** The worker marks the first `count` picks as started (locked for the rest of the turn). */
  async markStarted(userId: string, count: number): Promise<void> {
    const r = await this.get(userId);
    await this.set(userId, { picks: r.picks, started: Math.max(r.started, Math.min(count, r.picks.length)) });
  }

  /** After a turn: the picks are spent, the guest chooses anew for the next one. */
  async clear(userId: string): Promise<void> {
    await this.#redis.del(keys.picks(userId));
  }
}
