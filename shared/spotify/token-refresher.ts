/**
 * Keeps a user's access token fresh. A refresh happens 60 s before expiry or when Spotify rejected
 * the token; only one process refreshes a given user at a time (a Redis lock), because a rotated
 * refresh token works once and two concurrent refreshes would burn it (RFC 9700 §4.14.2).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';
import { tryLock } from '../redis-lock.js';
import type { Logger } from '../logger.js';
import type { AccountsClient } from './accounts-client.js';
import { SpotifyError } from './spotify-error.js';
import type { StoredTokens, TokenStore } from './token-store.js';

export const REFRESH_MARGIN_MS = 60_000;
const LOCK_TTL_MS = 15_000;
const LOCK_WAIT_MS = 12_000;

export interface RefreshOutcome {
  tokens: StoredTokens;
  refreshed: boolean;
}

export class TokenRefresher {
  readonly #redis: RedisClient;
  readonly #store: TokenStore;
  readonly #accounts: AccountsClient;
  readonly #log: Logger;
  readonly #now: () => number;
  /** Called after each refresh attempt, for metrics. */
  onRefresh: ((result: 'ok' | 'invalid_grant' | 'error') => void) | null = null;

  constructor(deps: {
    redis: RedisClient;
    store: TokenStore;
    accounts: AccountsClient;
    log: Logger;
    now?: () => number;
  }) {
    this.#redis = deps.redis;
    this.#store = deps.store;
    this.#accounts = deps.accounts;
    this.#log = deps.log.child({ module: 'token-refresher' });
    this.#now = deps.now ?? Date.now;
  }

  /**
   * Answers tokens valid for at least the margin. `rejected` is the access token Spotify just
   * refused with 401: it is refreshed even if its clock says it is still good.
   * Throws `SpotifyError('invalid_grant')` (tokens deleted) when the user's access is gone, and
   * null-like `SpotifyError('unauthorized')` when the user has no tokens at all.
   */
  async fresh(userId: string, rejected: string | null = null): Promise<RefreshOutcome> {
    const current = await this.#load(userId);
    if (!this.#needsRefresh(current, rejected)) return { tokens: current, refreshed: false };

    const deadline = this.#now() + LOCK_WAIT_MS;
    let release: (() => Promise<void>) | null;
    for (;;) {
      release = await tryLock(this.#redis, keys.refreshLock(userId), LOCK_TTL_MS);
      if (release) break;
      // Another process is refreshing: wait for its result instead of spending the refresh token.
      await delay(50);
      const seen = await this.#load(userId);
      if (!this.#needsRefresh(seen, rejected)) return { tokens: seen, refreshed: false };
      if (this.#now() > deadline)
        throw new SpotifyError('unreachable', 'timed out waiting for another process to refresh');
    }
    try {
      const latest = await this.#load(userId);
      if (!this.#needsRefresh(latest, rejected)) return { tokens: latest, refreshed: false };
      let answer;
      try {
        answer = await this.#accounts.refresh(latest.refreshToken);
      } catch (err) {
        if (err instanceof SpotifyError && err.code === 'invalid_grant') {
          await this.#store.delete(userId);
          this.#log.warn({ userId }, 'refresh token refused (revoked or expired); tokens deleted');
          this.onRefresh?.('invalid_grant');
        } else {
          this.onRefresh?.('error');
        }
        throw err;
      }
      const tokens: StoredTokens = {
        accessToken: answer.access_token,
        // Spotify may omit refresh_token: the old one then stays valid.
        refreshToken: answer.refresh_token ?? latest.refreshToken,
        expiresAt: this.#now() + answer.expires_in * 1000,
        scope: answer.scope ?? latest.scope,
      };
      await this.#store.save(userId, tokens);
      this.onRefresh?.('ok');
      this.#log.debug({ userId, rotated: Boolean(answer.refresh_token) }, 'access token refreshed');
      return { tokens, refreshed: true };
    } finally {
      await release();
    }
  }

  async #load(userId: string): Promise<StoredTokens> {
    const tokens = await this.#store.load(userId);
    if (!tokens) throw new SpotifyError('unauthorized', 'no stored tokens for this user');
    return tokens;
  }

  #needsRefresh(tokens: StoredTokens, rejected: string | null): boolean {
    if (rejected !== null && tokens.accessToken === rejected) return true;
    return tokens.expiresAt - this.#now() <= REFRESH_MARGIN_MS;
  }
}
