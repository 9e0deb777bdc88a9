/** Moderation for a room of strangers: banned users, sessions and (for guests) names, per show. */
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';
import { guestNameKey } from './guest-name.js';

export class Bans {
  readonly #redis: RedisClient;

  constructor(redis: RedisClient) {
    this.#redis = redis;
  }

  /** Bans a user id; for a guest also its session and its name (for the rest of the show). */
  async ban(userId: string, guest: { name: string; sessionId: string | null } | null): Promise<void> {
    const m = this.#redis.multi().sAdd(keys.bannedUsers(), userId);
    if (guest) {
      m.sAdd(keys.bannedNames(), guestNameKey(guest.name));
      if (guest.sessionId) m.sAdd(keys.bannedSessions(), guest.sessionId);
    }
    await m.exec();
  }

  /** Whether any of the given identities is banned. */
  async isBanned(who: { userId?: string | null; sessionId?: string | null; name?: string | null }): Promise<boolean> {
    const m = this.#redis.multi();
    m.sIsMember(keys.bannedUsers(), who.userId ?? '');
    m.sIsMember(keys.bannedSessions(), who.sessionId ?? '');
    m.sIsMember(keys.bannedNames(), who.name ? guestNameKey(who.name) : '');
    const replies = (await m.exec()) as unknown[];
    return replies.some((r) => r === true || r === 1 || r === '1');
  }
}
