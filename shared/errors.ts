/**
 * Every error the product answers with, in one table: a stable `code`, an HTTP status and a
 * message a person can act on. `AppError` carries one of them, plus an optional `cause` that is
 * logged but never sent to a client.
 */
export const ERRORS = {
  bad_request: { status: 400, message: 'The request is malformed.' },
  invalid_body: { status: 400, message: 'The request body is not valid.' },
  invalid_state: { status: 400, message: 'This login link is invalid or was already used. Please start again.' },
  endpoint_not_allowed: { status: 400, message: 'Only read-only catalog endpoints under /v1/ may be requested.' },
  not_logged_in: { status: 401, message: 'Connect your Spotify account first.' },
  operator_auth_required: { status: 401, message: 'Operator sign-in required.' },
  invalid_operator_token: { status: 401, message: 'That operator token is not valid.' },
  forbidden: { status: 403, message: 'Not allowed.' },
  origin_not_allowed: { status: 403, message: 'This origin is not allowed.' },
  not_found: { status: 404, message: 'Not found.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_encoding: { status: 415, message: 'The request body’s encoding or character set is not supported.' },
  user_not_found: { status: 404, message: 'That user is not known to the hub.' },
  not_in_line: { status: 409, message: 'That user is not waiting in the line.' },
  rate_limited: { status: 429, message: 'Too many requests. Try again shortly.' },
  spotify_rate_limited: { status: 503, message: 'Spotify asked us to slow down. Try again shortly.' },
  spotify_error: { status: 502, message: 'Spotify did not answer as expected.' },
  spotify_unreachable: { status: 504, message: 'Spotify could not be reached.' },
  spotify_session_expired: { status: 401, message: 'Your Spotify access has ended. Please connect again.' },
  spotify_not_registered: { status: 403, message: 'This Spotify account is not on the app’s user list yet.' },
  spotify_login_failed: { status: 502, message: 'Spotify login could not be completed. Please try again.' },
  service_unavailable: { status: 503, message: 'The hub is temporarily unavailable. Try again in a moment.' },
  invalid_name: {
    status: 400,
    message: 'Choose a name of 1 to 32 characters, without control or invisible characters.',
  },
  invalid_pick: {
    status: 400,
    message: 'Picks must be Spotify track URIs (spotify:track:…), within the number allowed per turn.',
  },
  not_a_guest: { status: 403, message: 'Only guests choose picks; join with a name first.' },
  guests_disabled: { status: 403, message: 'Joining with a name is turned off at this show.' },
  banned: { status: 403, message: 'You cannot join the line at this show.' },
  picks_locked: { status: 409, message: 'Your turn has started: picks that already played cannot change.' },
  track_cooldown: { status: 409, message: 'That track was played recently. Pick another one for now.' },
  venue_not_connected: { status: 409, message: 'No venue account is connected.' },
  venue_not_ready: { status: 409, message: 'The venue account’s player is not ready (see problem).' },
  device_not_found: { status: 404, message: 'That device is not available to the venue account.' },
  internal: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Whether `message` may be shown to the client (every table entry may; causes never are). */
  readonly expose: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, options: { message?: string; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(options.message ?? ERRORS[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.expose = this.status < 500 || code === 'service_unavailable' || code.startsWith('spotify_');
    this.details = options.details;
  }

  toJSON(): { error: { code: string; message: string } & Record<string, unknown> } {
    return {
      error: { code: this.code, message: this.expose ? this.message : ERRORS.internal.message, ...this.details },
    };
  }
}

/** Redis refused or did not answer: callers map it to 503, never to a pass. */
export class StoreUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super('service_unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
