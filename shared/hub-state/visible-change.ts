/**
 * When a `now_playing` goes out: only when something a viewer can see changed (item, play/pause,
 * driver, turn end, colours, a seek beyond what clients extrapolate), plus a keyframe every 5 s.
 * A change takes the next `seq`; a keyframe repeats it with fresh progress.
 */
import { extrapolate } from './extrapolate.js';
import type { NowPlaying, NowPlayingDraft } from './now-playing.js';

/** A progress jump smaller than this is Spotify's jitter, not a seek anyone would notice. */
export const SEEK_TOLERANCE_MS = 1500;
/** The longest a client goes without a `now_playing` while something is shown. */
export const KEYFRAME_MS = 5000;

export type PublishKind = 'change' | 'keyframe';

/** Whether a viewer holding `last` would see `next` as different. */
export function visibleChange(last: NowPlaying, next: NowPlayingDraft): boolean {
  if (last.state !== next.state || last.is_playing !== next.is_playing || last.turn_ends_at !== next.turn_ends_at)
    return true;
  if ((last.user?.display_name ?? null) !== (next.user?.display_name ?? null)) return true;
  if ((last.user?.kind ?? null) !== (next.user?.kind ?? null)) return true;
  const a = last.item;
  const b = next.item;
  if ((a === null) !== (b === null)) return true;
  if (a && b && (a.id !== b.id || a.name !== b.name || a.duration_ms !== b.duration_ms)) return true;
  // The album art's colours arriving (the follow-up after a track change) is worth a new seq.
  if (a && b && JSON.stringify(a.palette ?? null) !== JSON.stringify(b.palette ?? null)) return true;
  return Math.abs(extrapolate(last, next.server_time) - next.progress_ms) > SEEK_TOLERANCE_MS;
}

/** Whether `draft` goes out after `last` (seq 0: nothing was ever published), and as what. */
export function publishKind(last: NowPlaying, draft: NowPlayingDraft): PublishKind | null {
  if (last.seq === 0 || visibleChange(last, draft)) return 'change';
  if (draft.server_time - last.server_time >= KEYFRAME_MS) return 'keyframe';
  return null;
}
