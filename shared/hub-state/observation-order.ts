/**
 * Which currently-playing answer wins (the worker's staleness rule; clients have theirs in
 * staleness.ts). Each observation carries the fencing number its request took before it started
 * and Spotify's `timestamp` (when playback last changed); an observation is shown only if it is
 * newer than the last one shown for the same driver and turn. The publish script in
 * shared/realtime/now-playing-store.ts mirrors this rule in Lua, to apply it atomically in Redis,
 * with the window below passed in; test/integration/poller-publish-script.test.ts keeps the two in step.
 */

/** Where a currently-playing answer came from and how old it is. */
export interface ObservationStamp {
  /** Fencing number taken from Redis just before the request started: later requests, larger numbers. */
  fence: number;
  /** Hub clock when the request started. */
  requestedAt: number;
  /** Spotify's `timestamp`: when playback last changed (null when Spotify did not say). */
  changedAt: number | null;
}

/**
 * An answer whose request started this long after the published one wins even if Spotify's
 * timestamp is older: a replica lag is short, a device with a wrong clock is forever.
 */
export const STALE_REPLICA_MS = 3000;

export interface TurnRef {
  driver: string;
  turn: string;
}

/**
 * True when `candidate` (for `candidateTurn`) may replace what is published (`published`, for
 * `publishedTurn`). Another driver or turn: always (the turn itself is checked by the caller
 * against the line). Same turn: the request must have started later (larger fence), and Spotify
 * must not report an older playback change unless the request started `STALE_REPLICA_MS` later.
 */
export function observationWins(
  candidate: ObservationStamp,
  candidateTurn: TurnRef,
  published: ObservationStamp | null,
  publishedTurn: TurnRef,
): boolean {
  if (candidateTurn.driver !== publishedTurn.driver || candidateTurn.turn !== publishedTurn.turn) return true;
  if (!published) return true;
  if (candidate.fence <= published.fence) return false;
  if (candidate.changedAt !== null && published.changedAt !== null && candidate.changedAt < published.changedAt) {
    return candidate.requestedAt - published.requestedAt >= STALE_REPLICA_MS;
  }
  return true;
}
