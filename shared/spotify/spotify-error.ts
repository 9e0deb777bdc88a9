/**
 * The one error type for anything Spotify answers that is not a success. It carries a stable
 * `code`, the HTTP `status` and, for 429, the delay Spotify asked for; never the raw body, headers
 * or any token, so it is always safe to log.
 */
export type SpotifyErrorCode =
  | 'invalid_grant'
  | 'invalid_client'
  | 'oauth_error'
  | 'unauthorized'
  | 'forbidden'
  | 'not_registered'
  | 'not_found'
  | 'bad_request'
  | 'rate_limited'
  | 'server_error'
  | 'unreachable'
  | 'bad_response'
  // Player commands (venue mode): 404 NO_ACTIVE_DEVICE, 404 unknown device, 403 PREMIUM_REQUIRED,
  // 403 restriction violated.
  | 'no_active_device'
  | 'device_not_found'
  | 'premium_required'
  | 'restriction_violated';

export class SpotifyError extends Error {
  readonly code: SpotifyErrorCode;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  /** Spotify's machine-readable cause when its error body names one (e.g. `QUOTA_EXCEEDED`). */
  readonly reason: string | null;
  /** True when the hub refused the call itself (a 429 deadline in force) and Spotify was not asked. */
  readonly local: boolean;

  constructor(
    code: SpotifyErrorCode,
    message: string,
    options: {
      status?: number | null;
      retryAfterMs?: number | null;
      reason?: string | null;
      local?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'SpotifyError';
    this.code = code;
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.reason = options.reason ?? null;
    this.local = options.local ?? false;
  }
}

/** `Retry-After` is seconds (Spotify) or an HTTP date; missing or odd values mean one second. */
export function parseRetryAfter(value: string | null, now = Date.now()): number {
  if (!value) return 1000;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return 1000;
}
