/**
 * Which currently-playing answer wins. Each observation carries the fencing number its request
 * took before it started and Spotify's `timestamp` (when playback last changed); an observation is
 * shown only if it is newer than the last one shown for the same driver and turn. The publish
 * script in shared/realtime/now-playing-store.ts applies the same rule atomically in Redis.
 */
import { STALE_REPLICA_MS, type ObservationStamp } from '../../shared/realtime/now-playing-store.js';

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
