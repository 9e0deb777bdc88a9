/**
 * The venue account (venue mode): one Spotify account whose player is the house sound. Its tokens
 * are sealed by the same `TokenStore` as audience tokens, under `VENUE_ACCOUNT_ID`, which is also
 * the AAD: no Spotify user id contains a colon, so a user's sealed tokens can never be read as the
 * venue's or the other way round. The same `TokenRefresher` refreshes them (single-flight lock).
 */
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';
import type { StoredTokens, TokenStore } from '../spotify/token-store.js';

/** The id the venue's tokens are stored (and refreshed, and sealed) under. */
export const VENUE_ACCOUNT_ID = 'venue:account';

export type VenueProblem = 'no_device' | 'premium_required' | 'revoked' | 'rate_limited';

export interface VenueAccount {
  id: string;
  display_name: string;
  /** Spotify `product` at connect time ('premium', 'free', …). */
  product: string | null;
  /** The device the crew chose; null: whichever is active. */
  device_id: string | null;
  connected_at: number;
  /** What the last player call ran into (the worker records it), or null. */
  problem: VenueProblem | null;
}

const PROBLEMS: readonly VenueProblem[] = ['no_device', 'premium_required', 'revoked', 'rate_limited'];

export class VenueStore {
  readonly #redis: RedisClient;
  readonly #tokens: TokenStore;

  constructor(redis: RedisClient, tokens: TokenStore) {
    this.#redis = redis;
    this.#tokens = tokens;
  }

  /** Stores a newly connected venue account and its tokens (sealed); replaces any previous one. */
  async connect(
    account: { id: string; display_name: string; product: string | null },
    tokens: StoredTokens,
    now = Date.now(),
  ): Promise<void> {
    await this.#tokens.save(VENUE_ACCOUNT_ID, tokens);
    await this.#redis
      .multi()
      .del(keys.venue())
      .hSet(keys.venue(), {
        id: account.id,
        display_name: account.display_name,
        product: account.product ?? '',
        device_id: '',
        connected_at: String(now),
        problem: '',
      })
      .exec();
  }

  async account(): Promise<VenueAccount | null> {
    const h = await this.#redis.hGetAll(keys.venue());
    if (!h.id) return null;
    return {
      id: h.id,
      display_name: h.display_name || h.id,
      product: h.product || null,
      device_id: h.device_id || null,
      connected_at: Number(h.connected_at) || 0,
      problem: PROBLEMS.find((p) => p === h.problem) ?? null,
    };
  }

  /** Whether tokens are stored (false after `invalid_grant` deleted them). */
  async hasTokens(): Promise<boolean> {
    return (await this.#tokens.load(VENUE_ACCOUNT_ID)) !== null;
  }

  async setDevice(deviceId: string | null): Promise<void> {
    if (await this.#redis.exists(keys.venue())) await this.#redis.hSet(keys.venue(), 'device_id', deviceId ?? '');
  }

  async setProduct(product: string | null): Promise<void> {
    if (await this.#redis.exists(keys.venue())) await this.#redis.hSet(keys.venue(), 'product', product ?? '');
  }

  /** The worker records what the last player call ran into (null once a call succeeded). */
  async setProblem(problem: VenueProblem | null): Promise<void> {
    if (await this.#redis.exists(keys.venue())) await this.#redis.hSet(keys.venue(), 'problem', problem ?? '');
  }

  /** Disconnects: the venue's tokens and record are deleted. */
  async disconnect(): Promise<void> {
    await this.#tokens.delete(VENUE_ACCOUNT_ID);
    await this.#redis.del(keys.venue());
  }
}
