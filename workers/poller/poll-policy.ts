/**
 * When to ask Spotify what the driver plays: pure functions of what the hub knows, so the policy
 * can be tested without a clock, Redis or Spotify.
 *
 * | what the last answer showed            | next call                                   |
 * |----------------------------------------|---------------------------------------------|
 * | a new driver or turn, or "poll now"    | at once                                     |
 * | playing or paused (an item, an ad)     | one interval after the last call started    |
 * |   … a track predicted to end near then | moved to just after the end (±30 % at most) |
 * | nothing (204, no device)               | every max(2 s, 2 intervals)                 |
 * | a 429, a 5xx or a time-out             | not before the deadline / the backoff       |
 *
 * The interval is `POLL_INTERVAL_MS` times the app-wide adaptive factor (1 unless a 429 widened it).
 */
import type { Playback } from '../../shared/spotify/schemas.js';

/** What one answer showed, for pacing and the idle rule. */
export type Seen = 'playing' | 'paused' | 'idle';

export interface LastCall {
  driver: string;
  turn: string;
  /** Hub clock when the request started. */
  at: number;
  /** Null while the call is in flight or when it failed. */
  seen: Seen | null;
  /** When the playing item is predicted to end. */
  predictedEnd: number | null;
}

export interface PollInputs {
  /** The active turn now. */
  driver: string;
  turn: string;
  last: LastCall | null;
  /** When "poll now" was last asked for (turn start, operator command), if ever. */
  forceAt: number | null;
  /** No call before this (429 deadline, error backoff); 0 for none. */
  notBefore: number;
  /** Adaptive interval multiplier, ≥ 1. */
  factor: number;
}

export interface PollPolicy {
  intervalMs: number;
  /** Period while the answer was "nothing" (204, no device). */
  idleMs: number;
  /** How long after the predicted end the end-of-item poll goes out. */
  endMarginMs: number;
}

/** A tick may run this much before the due time (timer jitter) and still call. */
export const EARLY_MS = 15;
/** The end-of-item poll may move the next call by at most this share of the interval. */
export const SNAP_SHARE = 0.3;
export const MAX_SNAP_MS = 400;

export function pollPolicy(intervalMs: number): PollPolicy {
  return { intervalMs, idleMs: Math.max(2000, 2 * intervalMs), endMarginMs: 300 };
}

/**
 * Epoch ms of the next currently-playing call for the active turn. The end-of-item poll replaces
 * the regular one (it never adds a call, so it cannot swallow the next one either): the gap stays
 * within ±30 % of an interval, so a minute of playing costs one call per interval.
 */
export function nextPollAt(inp: PollInputs, p: PollPolicy): number {
  const { last } = inp;
  let at: number;
  if (!last || last.driver !== inp.driver || last.turn !== inp.turn) at = 0;
  else if (inp.forceAt !== null && inp.forceAt > last.at) at = 0;
  else {
    const period = p.intervalMs * Math.max(1, inp.factor);
    at = last.at + (last.seen === 'idle' ? Math.max(p.idleMs, period) : period);
    if (last.seen === 'playing' && last.predictedEnd !== null) {
      const endPoll = last.predictedEnd + p.endMarginMs;
      const snap = Math.min(period * SNAP_SHARE, MAX_SNAP_MS);
      if (endPoll > last.at && Math.abs(endPoll - at) <= snap) at = endPoll;
    }
  }
  return Math.max(at, inp.notBefore);
}

export function shouldCallNow(inp: PollInputs, p: PollPolicy, now: number): boolean {
  return now >= nextPollAt(inp, p) - EARLY_MS;
}

/** Ads count as playing (the listener is listening; Spotify just shows no item). */
export function seenIn(playback: Playback): Seen {
  if (playback.kind === 'nothing') return 'idle';
  if (playback.isPlaying) return 'playing';
  return playback.kind === 'item' ? 'paused' : 'idle';
}

/** When the playing item ends if nobody touches the player; null unless an item plays. */
export function predictedEnd(playback: Playback, at: number): number | null {
  if (playback.kind !== 'item' || !playback.isPlaying || playback.progressMs === null) return null;
  return at + Math.max(0, playback.item.duration_ms - playback.progressMs);
}
