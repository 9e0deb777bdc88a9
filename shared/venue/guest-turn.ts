/**
 * A guest's turn, as pure decisions the poll worker calls (PROTOCOL.md "Venue mode"): what to play
 * when the turn starts, whether it is over, how to retry while the venue's player is not ready,
 * and when the fallback playlist plays or yields. No I/O here: the worker reads Redis and Spotify,
 * asks these functions, and acts.
 */
import type { Playback } from '../spotify/schemas.js';
import type { VenueProblem } from './venue-store.js';

/** What the worker knows about the venue account when a guest's turn needs the player. */
export interface VenueView {
  connected: boolean;
  /** The device chosen by the crew (PUT /api/operator/venue/device), or null for the active one. */
  deviceId: string | null;
}

export type TurnStart =
  /** `PUT /v1/me/player/play` with exactly these `uris` (on `deviceId` when set). */
  | { action: 'play'; uris: string[]; deviceId: string | null }
  /** The guest has no picks yet: nothing to play; the idle clock runs (see `guestTurnOver`). */
  | { action: 'wait_for_picks' }
  /** No venue account: the turn cannot play; the worker should skip it. */
  | { action: 'no_venue' };

/**
 * Which URIs to play when a guest's turn starts (or resumes after picks arrived): the picks not
 * started yet, in the guest's order, on the chosen device.
 */
export function startGuestTurn(venue: VenueView, picks: readonly { uri: string }[], started = 0): TurnStart {
  if (!venue.connected) return { action: 'no_venue' };
  const uris = picks.slice(Math.max(0, started)).map((p) => p.uri);
  if (uris.length === 0) return { action: 'wait_for_picks' };
  return { action: 'play', uris, deviceId: venue.deviceId };
}

export interface TurnProgressInput {
  /** The guest's picks in order (URIs). */
  picks: readonly string[];
  /** How many picks had started before this observation (PicksStore `started`). */
  started: number;
  /** What the venue account's player reports now (currently-playing or /me/player). */
  playback: Playback;
  now: number;
  /** When the turn's clock started and how long a turn is; null end = clock held (paused). */
  turnEndsAt: number | null;
  /** Since when the guest has had no picks while driving (null: they have picks). */
  noPicksSince: number | null;
  idleSeconds: number;
}

export type TurnVerdict =
  | { over: false; started: number; playingIndex: number | null }
  | { over: true; reason: 'picks_done' | 'turn_over' | 'idle'; started: number };

/** Near the end of a track, Spotify reports the last second or so before moving on. */
const END_SLACK_MS = 1500;

/**
 * Whether the guest's turn is over given one observation of the venue's player:
 * - `picks_done`: the last pick has played (it ended, or playback moved past it to something
 *   that is not a pick, or stopped after it);
 * - `turn_over`: TURN_SECONDS ran out;
 * - `idle`: no picks for IDLE_SECONDS.
 * Otherwise answers how many picks have started (feed it to `PicksStore.markStarted`).
 */
export function guestTurnOver(input: TurnProgressInput): TurnVerdict {
  const { picks, playback, now } = input;
  let started = Math.min(Math.max(0, input.started), picks.length);
  const uri = playback.kind === 'item' ? playback.item.uri : null;
  const index = uri !== null ? picks.indexOf(uri) : -1;
  if (index >= 0) started = Math.max(started, index + 1);

  if (input.turnEndsAt !== null && now >= input.turnEndsAt) return { over: true, reason: 'turn_over', started };
  if (picks.length === 0) {
    if (input.noPicksSince !== null && now - input.noPicksSince >= input.idleSeconds * 1000)
      return { over: true, reason: 'idle', started };
    return { over: false, started, playingIndex: null };
  }
  const allStarted = started >= picks.length;
  if (allStarted) {
    const last = picks.length - 1;
    if (index === last && playback.kind === 'item') {
      const duration = playback.item.duration_ms;
      const progress = playback.progressMs ?? 0;
      const finished = !playback.isPlaying && duration > 0 && progress >= duration - END_SLACK_MS;
      if (finished) return { over: true, reason: 'picks_done', started };
      return { over: false, started, playingIndex: index };
    }
    // The last pick started earlier and the player is now on something else, or stopped.
    if (index < 0) return { over: true, reason: 'picks_done', started };
  }
  return { over: false, started, playingIndex: index >= 0 ? index : null };
}

export interface RetryPlan {
  /** Try the player again after this long (ms), or give up on this turn. */
  retryInMs: number | null;
  /** While waiting, the turn's clock holds: the guest loses no time to the venue's trouble. */
  holdClock: boolean;
  giveUp: boolean;
}

export const RETRY_BASE_MS = 2_000;
export const RETRY_MAX_MS = 30_000;
/** About five minutes of retries before the turn is given up (the crew sees `problem` all along). */
export const RETRY_MAX_ATTEMPTS = 14;

/**
 * After a failed player call: whether and when to retry. `no_device` and `premium_required` are
 * the crew's to fix (open Spotify, upgrade): retry with exponential back-off (2 s, 4 s, … 30 s),
 * the clock held. `rate_limited` waits for Spotify's own Retry-After. `revoked` cannot heal by
 * waiting: give up at once.
 */
export function retryAfterProblem(
  problem: VenueProblem,
  attempt: number,
  retryAfterMs: number | null = null,
): RetryPlan {
  if (problem === 'revoked') return { retryInMs: null, holdClock: false, giveUp: true };
  if (attempt >= RETRY_MAX_ATTEMPTS) return { retryInMs: null, holdClock: false, giveUp: true };
  if (problem === 'rate_limited')
    return { retryInMs: Math.max(retryAfterMs ?? RETRY_BASE_MS, 250), holdClock: true, giveUp: false };
  return {
    retryInMs: Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt)),
    holdClock: true,
    giveUp: false,
  };
}

export interface FallbackInput {
  /** FALLBACK_PLAYLIST, or null. */
  playlist: string | null;
  venueConnected: boolean;
  /** Someone (a guest or a member with their own Spotify) drives right now. */
  someoneDriving: boolean;
  /** The house playlist is what the venue plays now (the worker started it and nothing replaced it). */
  housePlaying: boolean;
}

export type FallbackDecision =
  /** `PUT /v1/me/player/play` with `context_uri` = the playlist; `now_playing.user.kind` "house". */
  | { action: 'start'; contextUri: string }
  /** A turn started: stop the house music (a guest turn's `play` replaces it; for a member, pause). */
  | { action: 'yield' }
  | { action: 'keep' }
  | { action: 'none' };

/** When the fallback playlist plays (nobody driving) and when it yields (a turn starts). */
export function fallbackDecision(input: FallbackInput): FallbackDecision {
  if (!input.playlist || !input.venueConnected)
    return input.housePlaying && input.someoneDriving ? { action: 'yield' } : { action: 'none' };
  if (input.someoneDriving) return input.housePlaying ? { action: 'yield' } : { action: 'none' };
  return input.housePlaying ? { action: 'keep' } : { action: 'start', contextUri: input.playlist };
}
