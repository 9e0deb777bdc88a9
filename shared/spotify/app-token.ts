/**
 * The app's client-credentials token for catalog look-ups (RFC 6749 §4.4), fetched once and shared
 * until shortly before it expires. Concurrent callers wait on the same request: N calls, one fetch.
 */
import type { AccountsClient } from './accounts-client.js';

const EARLY_MS = 60_000;

export class AppTokenCache {
  readonly #accounts: AccountsClient;
  readonly #now: () => number;
  #token: { value: string; expiresAt: number } | null = null;
  #pending: Promise<string> | null = null;

  constructor(accounts: AccountsClient, now: () => number = Date.now) {
    this.#accounts = accounts;
    this.#now = now;
  }

  get(): Promise<string> {
    if (this.#token && this.#token.expiresAt - EARLY_MS > this.#now()) return Promise.resolve(this.#token.value);
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  /** Forgets the token (after Spotify rejected it). */
  invalidate(): void {
    this.#token = null;
  }

  async #fetch(): Promise<string> {
    const answer = await this.#accounts.clientCredentials();
    this.#token = { value: answer.access_token, expiresAt: this.#now() + answer.expires_in * 1000 };
    return answer.access_token;
  }
}
