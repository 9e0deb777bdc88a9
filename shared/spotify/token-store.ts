/**
 * Spotify tokens at rest: one AES-256-GCM sealed record per user in Redis. Tokens never leave the
 * server; nothing here returns them to a route that answers a browser.
 */
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';
import { TokenCipher, TokenDecryptionError } from '../crypto/token-cipher.js';
import type { Logger } from '../logger.js';

export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms at which the access token expires. */
  expiresAt: number;
  scope: string;
}

export class TokenStore {
  readonly #redis: RedisClient;
  readonly #cipher: TokenCipher;
  readonly #log: Logger;

  constructor(redis: RedisClient, encryptionKey: Buffer, log: Logger) {
    this.#redis = redis;
    this.#cipher = new TokenCipher(encryptionKey);
    this.#log = log.child({ module: 'token-store' });
  }

  async save(userId: string, tokens: StoredTokens): Promise<void> {
    await this.#redis.set(keys.tokens(userId), this.#cipher.encrypt(JSON.stringify(tokens), userId));
  }

  /** The user's tokens, or null when there are none or they fail authentication. */
  async load(userId: string): Promise<StoredTokens | null> {
    const sealed = await this.#redis.get(keys.tokens(userId));
    if (sealed === null) return null;
    try {
      return JSON.parse(this.#cipher.decrypt(sealed, userId)) as StoredTokens;
    } catch (err) {
      if (err instanceof TokenDecryptionError) {
        this.#log.error({ userId }, 'stored tokens failed authentication; treating the user as logged out');
        return null;
      }
      throw err;
    }
  }

  async delete(userId: string): Promise<void> {
    await this.#redis.del(keys.tokens(userId));
  }
}
