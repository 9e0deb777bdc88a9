/**
 * Spotify's accounts service: the authorize URL and the token endpoint for the authorization code
 * grant with PKCE (RFC 6749 §4.1, RFC 7636), refresh (RFC 6749 §6) and client credentials
 * (RFC 6749 §4.4). See https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow
 */
import type { SpotifyConfig } from '../config.js';
import { GatedSender, parseJson, type SpotifyCallOptions } from './http.js';
import { oauthErrorSchema, tokenResponseSchema, type TokenResponse } from './schemas.js';
import { SpotifyError, parseRetryAfter } from './spotify-error.js';

export type AccountsClientOptions = SpotifyCallOptions;

export class AccountsClient {
  readonly #config: SpotifyConfig;
  readonly #http: GatedSender;

  constructor(config: SpotifyConfig, options: AccountsClientOptions = {}) {
    this.#config = config;
    this.#http = new GatedSender(options, 8000);
  }

  get hasClientSecret(): boolean {
    return this.#config.clientSecret !== null;
  }

  /** The `/authorize` URL the browser is sent to. */
  authorizeUrl(params: { state: string; codeChallenge: string }): string {
    const url = new URL(`${this.#config.accountsUrl}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.#config.clientId,
      redirect_uri: this.#config.redirectUri,
      scope: this.#config.scopes.join(' '),
      state: params.state,
      code_challenge_method: 'S256',
      code_challenge: params.codeChallenge,
    }).toString();
    return url.toString();
  }

  /** Exchanges an authorization code; the verifier proves this client started the flow. */
  exchangeCode(code: string, codeVerifier: string): Promise<TokenResponse> {
    return this.#token(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: this.#config.redirectUri,
        code_verifier: codeVerifier,
        client_id: this.#config.clientId,
      },
      false,
    );
  }

  /** Refreshes a user's access token. The answer may or may not carry a new refresh token. */
  refresh(refreshToken: string): Promise<TokenResponse> {
    return this.#token(
      { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.#config.clientId },
      false,
    );
  }

  /** An app token for catalog look-ups; needs the client secret. */
  clientCredentials(): Promise<TokenResponse> {
    if (!this.#config.clientSecret) {
      return Promise.reject(new SpotifyError('invalid_client', 'client credentials need SPOTIFY_CLIENT_SECRET'));
    }
    return this.#token({ grant_type: 'client_credentials' }, true);
  }

  async #token(form: Record<string, string>, requireBasic: boolean): Promise<TokenResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    // With a secret configured the client authenticates (confidential client, RFC 6749 §2.3.1);
    // without one, PKCE alone protects the code exchange.
    if (this.#config.clientSecret) {
      const basic = Buffer.from(`${this.#config.clientId}:${this.#config.clientSecret}`).toString('base64');
      headers.authorization = `Basic ${basic}`;
    } else if (requireBasic) {
      throw new SpotifyError('invalid_client', 'this grant needs the client secret');
    }
    const answer = await this.#http.send(`${this.#config.accountsUrl}/api/token`, {
      method: 'POST',
      headers,
      body: new URLSearchParams(form).toString(),
    });
    const body = parseJson(answer.text);
    if (answer.status === 200) {
      const parsed = tokenResponseSchema.safeParse(body);
      if (!parsed.success)
        throw new SpotifyError('bad_response', 'token endpoint answered 200 without a usable token', { status: 200 });
      return parsed.data;
    }
    if (answer.status === 429) {
      const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'));
      await this.#http.limited(retryAfterMs, null);
      throw new SpotifyError('rate_limited', 'token endpoint rate limited', { status: 429, retryAfterMs });
    }
    if (answer.status >= 500)
      throw new SpotifyError('server_error', `token endpoint answered ${answer.status}`, { status: answer.status });
    const err = oauthErrorSchema.safeParse(body);
    const description = err.success
      ? `${err.data.error}: ${err.data.error_description ?? ''}`.trim()
      : `status ${answer.status}`;
    if (err.success && err.data.error === 'invalid_grant')
      throw new SpotifyError('invalid_grant', description, { status: answer.status });
    if (err.success && err.data.error === 'invalid_client')
      throw new SpotifyError('invalid_client', description, { status: answer.status });
    throw new SpotifyError('oauth_error', description, { status: answer.status });
  }
}
