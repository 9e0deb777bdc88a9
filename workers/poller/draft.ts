/**
 * What the hub should show for the active turn, given the published state and (maybe) a fresh
 * observation: a pure function, so "is this observation shown" and "what carries forward" are
 * tested without Redis.
 */
import type { DriverKind } from '../../shared/events.js';
import type { ActiveTurn } from '../../shared/queue/line.js';
import {
  extrapolatedProgress,
  type ObservationStamp,
  type PublishedState,
} from '../../shared/realtime/now-playing-store.js';
import type { Playback } from '../../shared/spotify/schemas.js';
import type { Draft, Proposal } from './now-playing-publisher.js';
import { observationWins } from './observation-order.js';

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

export function idleDraft(now: number): Draft {
  return {
    state: 'no_active_user',
    user: null,
    item: null,
    is_playing: false,
    progress_ms: 0,
    server_time: now,
    turn_ends_at: null,
  };
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
  if (!active) return { draft: idleDraft(now), driver: '', turn: '', stamp: null };
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
    return { draft: { ...base, ...fromPlayback(obs.playback, now - obs.answeredAt) }, driver, turn, stamp: obs.stamp };
  }
  if (sameTurn) {
    const last = published.payload;
    return {
      draft: {
        ...base,
        state: last.state,
        item: last.item,
        is_playing: last.is_playing,
        progress_ms: extrapolatedProgress(last, now),
      },
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

function fromPlayback(
  p: Playback,
  sinceAnswerMs: number,
): Pick<Draft, 'state' | 'item' | 'is_playing' | 'progress_ms'> {
  if (p.kind === 'item') {
    const moved = p.isPlaying ? Math.max(0, sinceAnswerMs) : 0;
    const progress = Math.min(Math.max(0, (p.progressMs ?? 0) + moved), p.item.duration_ms);
    return { state: p.isPlaying ? 'playing' : 'paused', item: p.item, is_playing: p.isPlaying, progress_ms: progress };
  }
  // 204, an ad or an unknown type: nothing the installation can show.
  return { state: 'idle', item: null, is_playing: false, progress_ms: 0 };
}
