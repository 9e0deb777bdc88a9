/**
 * Whether a `now_playing` a client receives is older than the one it holds. Events may cross (the
 * state sent on connect against a broadcast, a late keyframe after a change): those are dropped.
 * A lower `seq` with a later `server_time` is newer, not stale: the sequence starts over when the
 * hub loses its Redis data or a recorded show loops, and a client must follow it.
 */
import type { NowPlaying } from './now-playing.js';

type Stamp = Pick<NowPlaying, 'seq' | 'server_time'>;

export function isStale(held: Stamp | null, incoming: Stamp): boolean {
  return held !== null && incoming.seq < held.seq && incoming.server_time <= held.server_time;
}
