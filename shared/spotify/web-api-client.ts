/**
 * The Spotify Web API endpoints the hub uses, each a request/interpret pair over the shared HTTP
 * client. Errors follow https://developer.spotify.com/documentation/web-api/concepts/api-calls
 */
import { GatedSender, parseJson, type HttpAnswer, type SpotifyCallOptions } from './http.js';
import { apiErrorSchema, parseCurrentlyPlaying, userSchema, type Playback } from './schemas.js';
import { SpotifyError, parseRetryAfter } from './spotify-error.js';

export interface SpotifyUser {
  id: string;
  display_name: string;
}

export type WebApiClientOptions = SpotifyCallOptions;

/** The Web API client's request time-out; the poll lock must outlive it. */
export const WEB_API_TIMEOUT_MS = 5000;

export class WebApiClient {
  readonly #base: string;
  readonly #http: GatedSender;

  constructor(apiUrl: string, options: WebApiClientOptions = {}) {
    this.#base = apiUrl;
    this.#http = new GatedSender(options, WEB_API_TIMEOUT_MS);
  }

  get timeoutMs(): number {
    return this.#http.timeoutMs;
  }

  /** GET a `/v1/...` path (with its query) and answer the parsed JSON, or null for 204. */
  async get(pathAndQuery: string, accessToken: string): Promise<unknown> {
    const answer = await this.#http.send(`${this.#base}${pathAndQuery}`, {
      method: 'GET',
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    try {
      return interpret(answer);
    } catch (err) {
      if (err instanceof SpotifyError && err.code === 'rate_limited')
        await this.#http.limited(err.retryAfterMs ?? 1000, err.reason);
      throw err;
    }
  }

  /** https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile */
  async me(accessToken: string): Promise<SpotifyUser> {
    const parsed = userSchema.safeParse(await this.get('/v1/me', accessToken));
    if (!parsed.success) throw new SpotifyError('bad_response', '/v1/me answered without a user id', { status: 200 });
    return { id: parsed.data.id, display_name: parsed.data.display_name?.trim() || parsed.data.id };
  }

  /** https://developer.spotify.com/documentation/web-api/reference/get-the-users-currently-playing-track */
  async currentlyPlaying(accessToken: string): Promise<Playback> {
    const body = await this.get('/v1/me/player/currently-playing?additional_types=track,episode', accessToken);
    if (body === null) return { kind: 'nothing' };
    return parseCurrentlyPlaying(body);
  }
}

function interpret(answer: HttpAnswer): unknown {
  const { status } = answer;
  if (status === 204) return null;
  if (status >= 200 && status < 300) {
    if (answer.text.trim() === '') return null;
    const body = parseJson(answer.text);
    if (body === undefined)
      throw new SpotifyError('bad_response', `status ${status} with a body that is not JSON`, { status });
    return body;
  }
  const err = apiErrorSchema.safeParse(parseJson(answer.text));
  const message = err.success ? (err.data.error.message ?? '') : answer.text.slice(0, 200);
  if (status === 429) {
    const reason = err.success ? (err.data.error.reason ?? null) : null;
    throw new SpotifyError('rate_limited', reason ? `rate limited (${reason})` : 'rate limited', {
      status,
      retryAfterMs: parseRetryAfter(answer.headers.get('retry-after')),
      reason,
    });
  }
  if (status === 401) throw new SpotifyError('unauthorized', message || 'access token rejected', { status });
  if (status === 403) {
    // Development Mode answers 403 (sometimes as plain text) for users not on the app's list.
    const notRegistered = /not\s+registered|developer dashboard/i.test(message);
    throw new SpotifyError(notRegistered ? 'not_registered' : 'forbidden', message || 'forbidden', { status });
  }
  if (status === 404) throw new SpotifyError('not_found', message || 'not found', { status });
  if (status >= 500) throw new SpotifyError('server_error', `status ${status}`, { status });
  throw new SpotifyError('bad_request', message || `status ${status}`, { status });
}
