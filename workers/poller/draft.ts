/**
 * What the hub should show for the active turn, given the published state and (maybe) a fresh
 * observation: a pure function, so "is this observation shown" and "what carries forward" are
 * tested without Redis.
 */
import {
  advance,
  extrapolate,
  nobodyDriving,
  observationWins,
  type DriverKind,
  type NowPlayingDraft,
  type ObservationStamp,
} from '../../shared/hub-state/index.js';
import type { ActiveTurn } from '../../shared/queue/line.js';
import type { PublishedState } from '../../shared/realtime/now-playing-store.js';
import type { Playback } from '../../shared/spotify/schemas.js';
import type { Proposal } from './now-playing-publisher.js';

export interface Observation {
  driver: string;
  turn: string;
  playback: Playback;
  stamp: ObservationStamp;
  /** Hub clock when the answer arrived (Spotify's progress is valid about then). */
  answeredAt: number;
}

/** A turn's identity: the same user driving again later is another turn. */
export function turnId(active: ActiveTurn): string {
  return String(active.started_at);
}

/**
 * `kind` says who drives (venue mode: a guest plays through the venue account, the house is the
 * fallback playlist); it defaults to a member with their own Spotify.
 */
export function propose(
  now: number,
  active: ActiveTurn | null,
  published: PublishedState,
  observation: Observation | null,
  kind: DriverKind = 'spotify',
): Proposal {
  if (!active) return { draft: nobodyDriving(now), driver: '', turn: '', stamp: null };
  const driver = active.user_id;
  const turn = turnId(active);
  const base = { user: { display_name: active.display_name, kind }, server_time: now, turn_ends_at: active.ends_at };
  const sameTurn = published.driver === driver && published.turn === turn;
  const obs = observation;
  if (
    obs &&
    obs.driver === driver &&
    obs.turn === turn &&
    observationWins(obs.stamp, obs, published.stamp, published)
  ) {
    return { draft: { ...base, ...fromPlayback(obs.playback, obs.answeredAt, now) }, driver, turn, stamp: obs.stamp };
  }
  if (sameTurn) {
    // Nothing new observed: what is shown carries on, moved to now.
    return {
      draft: { ...advance(published.payload, now), ...base },
      driver,
      turn,
      stamp: null,
    };
  }
  // A turn not observed yet: nothing known about its playback.
  return {
    draft: { ...base, state: 'idle', item: null, is_playing: false, progress_ms: 0 },
    driver,
    turn,
    stamp: null,
  };
}

/** The playback Spotify reported at `answeredAt`, carried forward to `now`. */
function fromPlayback(
  p: Playback,
  answeredAt: number,
  now: number,
): Pick<NowPlayingDraft, 'state' | 'item' | 'is_playing' | 'progress_ms'> {
  if (p.kind === 'item') {
    const reported = { item: p.item, is_playing: p.isPlaying, progress_ms: p.progressMs ?? 0, server_time: answeredAt };
    const state = p.isPlaying ? 'playing' : 'paused';
    return { state, item: p.item, is_playing: p.isPlaying, progress_ms: extrapolate(reported, now) };
  }
  // 204, an ad or an unknown type: nothing the installation can show.
  return { state: 'idle', item: null, is_playing: false, progress_ms: 0 };
}
