/**
 * Progress between events, per docs/protocol.md: `progress_ms + (now − server_time)` while
 * playing, capped at the item's duration. The pages, the bridge and the poll worker all call this
 * one function, so a screen, TouchDesigner and the publisher's seek check agree to the millisecond.
 */
import type { NowPlaying, NowPlayingDraft } from './now-playing.js';

/** The parts of a state progress depends on (a Spotify answer fits too, stamped with when it arrived). */
export type ProgressBasis = Pick<NowPlaying, 'is_playing' | 'progress_ms' | 'server_time'> & {
  item: { duration_ms: number } | null;
};

/**
 * Where playback is at `now` (hub clock), in ms: 0 without an item; otherwise `progress_ms`,
 * moved on by the time since `server_time` (times `rate`) while playing, held within
 * [0, duration]. `rate` is 1 live; a show replayed at speed X moves X times as fast.
 */
export function extrapolate(state: ProgressBasis, now: number, rate = 1): number {
  if (!state.item) return 0;
  const moved = state.is_playing ? Math.max(0, now - state.server_time) * rate : 0;
  return Math.min(state.item.duration_ms, Math.max(0, state.progress_ms + moved));
}

/** The same state as it stands at `now`: progress extrapolated, valid from `now` (a draft to republish). */
export function advance(state: NowPlaying, now: number): NowPlayingDraft {
  const { seq: _seq, ...rest } = state;
  return { ...rest, progress_ms: extrapolate(state, now), server_time: now };
}
