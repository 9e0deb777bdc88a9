import fc from 'fast-check';
import type { NowPlaying, NowPlayingItem } from '../../shared/events.js';
import type { PublishedState } from '../../shared/realtime/now-playing-store.js';
import type { ActiveTurn } from '../../shared/queue/line.js';
import {
  KEYFRAME_MS,
  SEEK_TOLERANCE_MS,
  publishKind,
  visibleChange,
  type NowPlayingDraft as Draft,
} from '../../shared/hub-state/index.js';
import { propose, type Observation } from '../../workers/poller/draft.js';

const item = (id: string, duration = 200_000): NowPlayingItem => ({
  type: 'track',
  id,
  uri: null,
  name: id,
  artists: [],
  album: { id: null, name: '', images: [] },
  duration_ms: duration,
});
const payload = (over: Partial<NowPlaying> = {}): NowPlaying => ({
  seq: 3,
  state: 'playing',
  user: { display_name: 'Ada' },
  item: item('a'),
  is_playing: true,
  progress_ms: 10_000,
  server_time: 1_000_000,
  turn_ends_at: 2_000_000,
  ...over,
});
const draftOf = (p: NowPlaying): Draft => {
  const { seq: _seq, ...rest } = p;
  return rest;
};

describe('is this change visible', () => {
  it('sees item, play/pause, driver and turn changes, and seeks beyond the tolerance', () => {
    const last = payload();
    expect(visibleChange(last, draftOf(payload({ item: item('b') })))).toBe(true);
    expect(visibleChange(last, draftOf(payload({ is_playing: false, state: 'paused' })))).toBe(true);
    expect(visibleChange(last, draftOf(payload({ user: { display_name: 'Grace' } })))).toBe(true);
    expect(visibleChange(last, draftOf(payload({ turn_ends_at: null })))).toBe(true);
    expect(visibleChange(last, draftOf(payload({ progress_ms: 10_000 + SEEK_TOLERANCE_MS + 1 })))).toBe(true);
  });

  it('does not see progress that moves as clients extrapolate it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: -SEEK_TOLERANCE_MS, max: SEEK_TOLERANCE_MS }),
        (elapsed, jitter) => {
          const last = payload();
          const next = draftOf(
            payload({
              server_time: last.server_time + elapsed,
              progress_ms: Math.max(0, last.progress_ms + elapsed + jitter),
            }),
          );
          return !visibleChange(last, next);
        },
      ),
    );
  });

  it('sends a keyframe every 5 s without a change, and the first payload always', () => {
    const last = payload();
    expect(
      publishKind(
        last,
        draftOf(
          payload({ server_time: last.server_time + KEYFRAME_MS - 1, progress_ms: last.progress_ms + KEYFRAME_MS - 1 }),
        ),
      ),
    ).toBeNull();
    expect(
      publishKind(
        last,
        draftOf(payload({ server_time: last.server_time + KEYFRAME_MS, progress_ms: last.progress_ms + KEYFRAME_MS })),
      ),
    ).toBe('keyframe');
    expect(publishKind(payload({ seq: 0 }), draftOf(payload()))).toBe('change');
  });
});

describe('which observation is shown (propose)', () => {
  const active: ActiveTurn = {
    user_id: 'ada',
    display_name: 'Ada',
    started_at: 5,
    ends_at: 2_000_000,
    remaining_ms: null,
    last_playing_at: null,
  };
  const published = (over: Partial<PublishedState> = {}): PublishedState => ({
    payload: payload(),
    version: 7,
    seq: 3,
    driver: 'ada',
    turn: '5',
    stamp: { fence: 10, requestedAt: 999_000, changedAt: 900_000 },
    lineVersion: 0,
    ...over,
  });
  const obs = (fence: number, id: string): Observation => ({
    driver: 'ada',
    turn: '5',
    answeredAt: 1_001_000,
    stamp: { fence, requestedAt: 1_000_500, changedAt: 950_000 },
    playback: { kind: 'item', item: item(id), isPlaying: true, progressMs: 1000, changedAt: 950_000 },
  });

  it('shows a newer observation and carries its stamp', () => {
    const p = propose(1_001_000, active, published(), obs(11, 'b'));
    expect(p.draft.item?.id).toBe('b');
    expect(p.stamp?.fence).toBe(11);
  });

  it('carries the published state forward, never an older observation', () => {
    const p = propose(1_001_000, active, published({ payload: payload({ item: item('new') }) }), obs(9, 'old'));
    expect(p.draft.item?.id).toBe('new');
    expect(p.stamp).toBeNull();
  });

  it('without a fresh answer shows what is published for this turn, and nothing for a turn not yet observed', () => {
    expect(propose(1_001_000, active, published(), null).draft.item?.id).toBe('a');
    const fresh = propose(1_001_000, active, published({ turn: '4' }), null);
    expect(fresh.draft).toMatchObject({ state: 'idle', item: null, user: { display_name: 'Ada' } });
    expect(propose(1_001_000, null, published(), null).draft.state).toBe('no_active_user');
  });

  it('says who drives: a member by default, a guest when told, nobody when the line is empty', () => {
    expect(propose(1_001_000, active, published(), null).draft.user).toEqual({ display_name: 'Ada', kind: 'spotify' });
    expect(propose(1_001_000, active, published(), obs(11, 'b'), 'guest').draft.user).toEqual({
      display_name: 'Ada',
      kind: 'guest',
    });
    expect(propose(1_001_000, null, published(), null, 'guest').draft.user).toBeNull();
  });

  it('ignores an observation of another turn', () => {
    const other = { ...obs(99, 'x'), turn: '4' };
    expect(propose(1_001_000, active, published(), other).draft.item?.id).toBe('a');
  });
});
