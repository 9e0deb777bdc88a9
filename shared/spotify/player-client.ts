/**
 * Spotify Connect player commands for the venue account (Web API "Player" reference:
 * https://developer.spotify.com/documentation/web-api/reference/start-a-users-playback and
 * siblings). Every call goes through the shared HTTP helper (deadline, `unreachable`), an optional
 * app-wide 429 gate, and one refresh-and-retry on 401 through the single-flight `TokenRefresher`.
 *
 * Commands answer 200 with a short body that is not JSON, or 202/204: success is the status alone,
 * the body is never parsed. JSON answers (devices, playback state) are schema-parsed.
 */
import { z } from 'zod';
import { send, parseJson, type FetchLike, type HttpAnswer } from './http.js';
import { parseCurrentlyPlaying, type Playback } from './schemas.js';
import { SpotifyError, parseRetryAfter } from './spotify-error.js';
import type { RefreshOutcome } from './token-refresher.js';

/** The app-wide 429 gate (shared/spotify/rate-gate.ts `CallGate`) or anything shaped like it. */
export interface PlayerGate {
  /** Resolves when a call may go out (waits out a stored Retry-After deadline). */
  before(): Promise<void>;
  /** Spotify answered 429: remember the deadline for every caller. */
  limited(retryAfterMs: number, reason?: string): Promise<void>;
}

/** Fresh tokens for an account id; `rejected` is an access token Spotify just refused (401). */
export interface PlayerTokens {
  fresh(accountId: string, rejected?: string | null): Promise<RefreshOutcome>;
}

export interface PlayerDevice {
  id: string;
  name: string;
  type: string;
  is_active: boolean;
  is_restricted: boolean;
  volume_percent: number | null;
}

export interface PlayerState {
  device: PlayerDevice | null;
  playback: Playback;
  context_uri: string | null;
}

const deviceSchema = z.object({
  id: z.string().nullish(),
  name: z.string().nullish(),
  type: z.string().nullish(),
  is_active: z.boolean().nullish(),
  is_restricted: z.boolean().nullish(),
  volume_percent: z.number().nullish(),
});
const devicesSchema = z.object({ devices: z.array(z.unknown()).nullish() });
const playerStateSchema = z.object({
  device: z.unknown().nullish(),
  context: z.object({ uri: z.string().nullish() }).nullish(),
});
const playerErrorSchema = z.object({
  error: z.object({ status: z.number().nullish(), message: z.string().nullish(), reason: z.string().nullish() }),
});

function toDevice(raw: unknown): PlayerDevice | null {
  const d = deviceSchema.safeParse(raw);
  // A device without an id cannot be addressed (Spotify may hide ids of restricted devices).
  if (!d.success || !d.data.id) return null;
  return {
    id: d.data.id,
    name: d.data.name?.trim() || 'Unnamed device',
    type: d.data.type ?? 'Unknown',
    is_active: d.data.is_active === true,
    is_restricted: d.data.is_restricted === true,
    volume_percent: d.data.volume_percent ?? null,
  };
}

export interface PlayerClientOptions {
  readonly apiUrl: string;
  readonly tokens: PlayerTokens;
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
  readonly gate?: PlayerGate | null;
}

export type PlayRequest =
  | { uris: readonly string[]; deviceId?: string | null; /** Where in the first URI to start. */ positionMs?: number }
  | { contextUri: string; deviceId?: string | null };

export class PlayerClient {
  readonly #base: string;
  readonly #tokens: PlayerTokens;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;
  readonly #gate: PlayerGate | null;

  constructor(options: PlayerClientOptions) {
    this.#base = options.apiUrl;
    this.#tokens = options.tokens;
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#gate = options.gate ?? null;
  }

  /** GET /v1/me/player/devices */
  async devices(accountId: string): Promise<PlayerDevice[]> {
    const answer = await this.#call(accountId, 'GET', '/v1/me/player/devices');
    const body = devicesSchema.safeParse(jsonOf(answer));
    if (!body.success)
      throw new SpotifyError('bad_response', 'devices answer without a device list', { status: answer.status });
    return (body.data.devices ?? []).flatMap((d) => toDevice(d) ?? []);
  }

  /** GET /v1/me/player: null when no device is active (204). */
  async state(accountId: string): Promise<PlayerState | null> {
    const answer = await this.#call(accountId, 'GET', '/v1/me/player?additional_types=track,episode');
    if (answer.status === 204 || answer.text.trim() === '') return null;
    const raw = jsonOf(answer);
    const body = playerStateSchema.safeParse(raw);
    if (!body.success)
      throw new SpotifyError('bad_response', 'player state answer is not an object', { status: answer.status });
    return {
      device: toDevice(body.data.device),
      playback: parseCurrentlyPlaying(raw),
      context_uri: body.data.context?.uri ?? null,
    };
  }

  /** PUT /v1/me/player/play with `uris` (played in order) or `context_uri` (a playlist or album). */
  async play(accountId: string, request: PlayRequest): Promise<void> {
    const body =
      'uris' in request
        ? {
            uris: [...request.uris],
            ...(request.positionMs !== undefined ? { position_ms: Math.max(0, Math.round(request.positionMs)) } : {}),
          }
        : { context_uri: request.contextUri };
    await this.#call(accountId, 'PUT', `/v1/me/player/play${deviceQuery(request.deviceId)}`, body);
  }

  /** PUT /v1/me/player/pause */
  async pause(accountId: string, deviceId: string | null = null): Promise<void> {
    await this.#call(accountId, 'PUT', `/v1/me/player/pause${deviceQuery(deviceId)}`);
  }

  /** POST /v1/me/player/next */
  async next(accountId: string, deviceId: string | null = null): Promise<void> {
    await this.#call(accountId, 'POST', `/v1/me/player/next${deviceQuery(deviceId)}`);
  }

  /** POST /v1/me/player/queue?uri= */
  async queue(accountId: string, uri: string, deviceId: string | null = null): Promise<void> {
    const q = new URLSearchParams({ uri });
    if (deviceId) q.set('device_id', deviceId);
    await this.#call(accountId, 'POST', `/v1/me/player/queue?${q.toString()}`);
  }

  /** PUT /v1/me/player: transfer playback to one device. */
  async transfer(accountId: string, deviceId: string, play = false): Promise<void> {
    await this.#call(accountId, 'PUT', '/v1/me/player', { device_ids: [deviceId], play });
  }

  async #call(
    accountId: string,
    method: 'GET' | 'PUT' | 'POST',
    pathAndQuery: string,
    body?: unknown,
  ): Promise<HttpAnswer> {
    let { tokens } = await this.#tokens.fresh(accountId);
    let answer = await this.#send(tokens.accessToken, method, pathAndQuery, body);
    if (answer.status === 401) {
      // The token was refused before its clock said so (revoked, rotated): refresh once, retry once.
      ({ tokens } = await this.#tokens.fresh(accountId, tokens.accessToken));
      answer = await this.#send(tokens.accessToken, method, pathAndQuery, body);
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    if (answer.status === 429) {
      const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'));
      await this.#gate?.limited(retryAfterMs, `player ${method} ${pathAndQuery.split('?')[0]}`);
      throw new SpotifyError('rate_limited', 'rate limited', { status: 429, retryAfterMs });
    }
    throw playerError(answer);
  }

  async #send(accessToken: string, method: string, pathAndQuery: string, body: unknown): Promise<HttpAnswer> {
    await this.#gate?.before();
    const headers: Record<string, string> = { authorization: `Bearer ${accessToken}`, accept: 'application/json' };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    } else if (method !== 'GET') {
      // Spotify wants a Content-Length on bodiless PUT/POST (411 otherwise).
      init.body = '';
    }
    return send(this.#fetch, `${this.#base}${pathAndQuery}`, init, this.#timeoutMs);
  }
}

function deviceQuery(deviceId: string | null | undefined): string {
  return deviceId ? `?device_id=${encodeURIComponent(deviceId)}` : '';
}

function jsonOf(answer: HttpAnswer): unknown {
  const body = parseJson(answer.text);
  if (body === undefined)
    throw new SpotifyError('bad_response', `status ${answer.status} with a body that is not JSON`, {
      status: answer.status,
    });
  return body;
}

/** Maps a failed player answer to a `SpotifyError` with a stable code; never carries the body. */
export function playerError(answer: Pick<HttpAnswer, 'status' | 'text'>): SpotifyError {
  const { status } = answer;
  const parsed = playerErrorSchema.safeParse(parseJson(answer.text));
  const message = parsed.success ? (parsed.data.error.message ?? '') : answer.text.slice(0, 200);
  const reason = parsed.success ? (parsed.data.error.reason ?? null) : null;
  if (status === 401) return new SpotifyError('unauthorized', message || 'access token rejected', { status });
  if (status === 404 && reason === 'NO_ACTIVE_DEVICE') return new SpotifyError('no_active_device', message, { status });
  if (status === 404 && /device not found/i.test(message))
    return new SpotifyError('device_not_found', message, { status });
  if (status === 404) return new SpotifyError('not_found', message || 'not found', { status });
  if (status === 403) {
    if (reason === 'PREMIUM_REQUIRED' || /premium required/i.test(message))
      return new SpotifyError('premium_required', message, { status });
    if (/not\s+registered|developer dashboard/i.test(message))
      return new SpotifyError('not_registered', message, { status });
    if (/restriction/i.test(message) || reason !== null)
      return new SpotifyError('restriction_violated', message, { status });
    return new SpotifyError('forbidden', message || 'forbidden', { status });
  }
  if (status >= 500) return new SpotifyError('server_error', `status ${status}`, { status });
  return new SpotifyError('bad_request', message || `status ${status}`, { status });
}
