import fc from 'fast-check';
import { advance, extrapolate, type NowPlaying, type NowPlayingItem } from '../../shared/hub-state/index.js';

const item = (duration: number): NowPlayingItem => ({
  type: 'track',
  id: 't',
  uri: null,
  name: 'T',
  artists: [],
  album: { id: null, name: '', images: [] },
  duration_ms: duration,
});
const state = (over: Partial<NowPlaying> = {}): NowPlaying => ({
  seq: 1,
  state: 'playing',
  user: { display_name: 'Ada' },
  item: item(200_000),
  is_playing: true,
  progress_ms: 10_000,
  server_time: 1_000_000,
  turn_ends_at: null,
  ...over,
});

/** Any state with an item: playing or not, progress anywhere in (and a little past) the track. */
const anyState = fc
  .record({
    duration: fc.integer({ min: 0, max: 3_600_000 }),
    progress: fc.integer({ min: 0, max: 3_700_000 }),
    playing: fc.boolean(),
    serverTime: fc.integer({ min: 0, max: 2_000_000_000_000 }),
  })
  .map(({ duration, progress, playing, serverTime }) =>
    state({ item: item(duration), progress_ms: progress, is_playing: playing, server_time: serverTime }),
  );
/** A time on the hub's clock around the state's `server_time`, before it too (a skewed clock). */
const around = (s: NowPlaying) => fc.integer({ min: s.server_time - 600_000, max: s.server_time + 7_200_000 });

describe('extrapolate: progress between events', () => {
  it('moves with the hub clock while playing, from progress_ms at server_time', () => {
    const s = state();
    expect(extrapolate(s, s.server_time)).toBe(10_000);
    expect(extrapolate(s, s.server_time + 2500)).toBe(12_500);
  });

  it('stops at the duration and holds still while paused', () => {
    const s = state();
    expect(extrapolate(s, s.server_time + 10_000_000)).toBe(200_000);
    expect(extrapolate(state({ is_playing: false, state: 'paused' }), s.server_time + 60_000)).toBe(10_000);
  });

  it('is 0 without an item, whatever progress_ms says', () => {
    expect(extrapolate(state({ item: null, progress_ms: 5000 }), 2_000_000)).toBe(0);
  });

  it('never goes backwards while playing', () => {
    fc.assert(
      fc.property(
        anyState.chain((s) => fc.tuple(fc.constant(s), around(s), around(s))),
        ([s, t1, t2]) => {
          const [early, late] = t1 <= t2 ? [t1, t2] : [t2, t1];
          return extrapolate(s, early) <= extrapolate(s, late);
        },
      ),
    );
  });

  it('never exceeds the duration and is never negative', () => {
    fc.assert(
      fc.property(
        anyState.chain((s) => fc.tuple(fc.constant(s), around(s), fc.integer({ min: 1, max: 16 }))),
        ([s, now, rate]) => {
          const at = extrapolate(s, now, rate);
          return at >= 0 && at <= s.item!.duration_ms;
        },
      ),
    );
  });

  it('does not move while paused, at any time', () => {
    fc.assert(
      fc.property(
        anyState.chain((s) => fc.tuple(fc.constant({ ...s, is_playing: false }), around(s))),
        ([s, now]) => extrapolate(s, now) === Math.min(s.progress_ms, s.item!.duration_ms),
      ),
    );
  });

  it('a clock behind server_time shows progress_ms, not less', () => {
    const s = state();
    expect(extrapolate(s, s.server_time - 3000)).toBe(10_000);
  });

  it('at rate X moves as far as live playback moves in X times the time (a replayed show)', () => {
    fc.assert(
      fc.property(
        anyState,
        fc.integer({ min: 0, max: 600_000 }),
        fc.integer({ min: 1, max: 16 }),
        (s, elapsed, rate) =>
          extrapolate(s, s.server_time + elapsed, rate) === extrapolate(s, s.server_time + elapsed * rate),
      ),
    );
  });

  it('advance restates the same state at a later time: what it shows then is what it showed extrapolated', () => {
    fc.assert(
      fc.property(
        anyState.chain((s) => fc.tuple(fc.constant(s), around(s), fc.integer({ min: 0, max: 600_000 }))),
        ([s, now, later]) => {
          const moved = advance(s, now);
          const { seq: _seq, ...rest } = s;
          return (
            moved.server_time === now &&
            moved.progress_ms === extrapolate(s, now) &&
            JSON.stringify({ ...moved, server_time: 0, progress_ms: 0 }) ===
              JSON.stringify({ ...rest, server_time: 0, progress_ms: 0 }) &&
            (now < s.server_time || extrapolate(moved, now + later) === extrapolate(s, now + later))
          );
        },
      ),
    );
  });
});
