import fc from 'fast-check';
import {
  KEYFRAME_MS,
  SEEK_TOLERANCE_MS,
  advance,
  publishKind,
  visibleChange,
  type NowPlaying,
  type NowPlayingDraft,
  type NowPlayingItem,
  type Palette,
} from '../../shared/hub-state/index.js';

const item = (id: string, over: Partial<NowPlayingItem> = {}): NowPlayingItem => ({
  type: 'track',
  id,
  uri: `spotify:track:${id}`,
  name: `Track ${id}`,
  artists: [{ id: 'a', name: 'Artist' }],
  album: { id: 'al', name: 'Album', images: [] },
  duration_ms: 240_000,
  ...over,
});
const last = (over: Partial<NowPlaying> = {}): NowPlaying => ({
  seq: 7,
  state: 'playing',
  user: { display_name: 'Ada', kind: 'spotify' },
  item: item('a'),
  is_playing: true,
  progress_ms: 60_000,
  server_time: 5_000_000,
  turn_ends_at: 5_180_000,
  ...over,
});
/** What the publisher would draft `after` ms later with nothing changed: the same state, moved on. */
const unchanged = (p: NowPlaying, after: number): NowPlayingDraft => advance(p, p.server_time + after);
const palette: Palette = {
  vibrant: '#ff0000',
  dark_vibrant: '#800000',
  light_vibrant: '#ff8080',
  muted: '#806060',
  dark_muted: '#403030',
  light_muted: '#c0b0b0',
};

describe('is this change visible', () => {
  it('the same state moved on in time is not a change', () => {
    expect(visibleChange(last(), unchanged(last(), 3000))).toBe(false);
    expect(
      visibleChange(
        last({ is_playing: false, state: 'paused' }),
        unchanged(last({ is_playing: false, state: 'paused' }), 3000),
      ),
    ).toBe(false);
  });

  it.each<[string, (d: NowPlayingDraft) => NowPlayingDraft]>([
    ['the state', (d) => ({ ...d, state: 'idle' })],
    ['play/pause', (d) => ({ ...d, is_playing: false })],
    ['the turn end', (d) => ({ ...d, turn_ends_at: null })],
    ['the driver', (d) => ({ ...d, user: { display_name: 'Grace', kind: 'spotify' } })],
    ['who the driver is (kind)', (d) => ({ ...d, user: { display_name: 'Ada', kind: 'guest' } })],
    ['the driver leaving', (d) => ({ ...d, user: null })],
    ['the item going away', (d) => ({ ...d, item: null })],
    ['another track', (d) => ({ ...d, item: item('b') })],
    ['the title', (d) => ({ ...d, item: item('a', { name: 'Renamed' }) })],
    ['the duration', (d) => ({ ...d, item: item('a', { duration_ms: 241_000 }) })],
    ['the colours arriving', (d) => ({ ...d, item: item('a', { palette }) })],
  ])('sees a change of %s', (_what, change) => {
    expect(visibleChange(last(), change(unchanged(last(), 1000)))).toBe(true);
  });

  it('ignores what no screen shows (album images, artists ids, an absent palette against null)', () => {
    const d = unchanged(last(), 1000);
    expect(visibleChange(last(), { ...d, item: item('a', { album: { id: 'x', name: 'Album', images: [] } }) })).toBe(
      false,
    );
    expect(visibleChange(last({ item: item('a', { palette: null }) }), d)).toBe(false);
  });

  it('never sees a change in the same state drafted later, whatever the state and the delay', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300_000 }),
        fc.integer({ min: 1000, max: 600_000 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 3_600_000 }),
        (progress, duration, playing, after) => {
          const p = last({
            progress_ms: Math.min(progress, duration),
            item: item('a', { duration_ms: duration }),
            is_playing: playing,
          });
          return !visibleChange(p, unchanged(p, after));
        },
      ),
    );
  });

  it('sees a seek exactly when it moves progress by more than the tolerance', () => {
    const d = unchanged(last(), 2000);
    expect(visibleChange(last(), { ...d, progress_ms: d.progress_ms + SEEK_TOLERANCE_MS })).toBe(false);
    expect(visibleChange(last(), { ...d, progress_ms: d.progress_ms - SEEK_TOLERANCE_MS - 1 })).toBe(true);
    fc.assert(
      fc.property(fc.integer({ min: -50_000, max: 50_000 }), fc.integer({ min: 0, max: 20_000 }), (jump, after) => {
        const d = unchanged(last(), after);
        return (
          visibleChange(last(), { ...d, progress_ms: d.progress_ms + jump }) === Math.abs(jump) > SEEK_TOLERANCE_MS
        );
      }),
    );
  });
});

describe('what goes out', () => {
  it('the first state ever is a change, even when it shows nothing new', () => {
    const never = last({ seq: 0 });
    expect(publishKind(never, unchanged(never, 0))).toBe('change');
  });

  it('an unchanged state goes out as a keyframe once KEYFRAME_MS passed, not before', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), (after) => {
        const kind = publishKind(last(), unchanged(last(), after));
        return kind === (after >= KEYFRAME_MS ? 'keyframe' : null);
      }),
    );
  });

  it('a visible change goes out as a change at once', () => {
    expect(publishKind(last(), { ...unchanged(last(), 10), item: item('b') })).toBe('change');
  });
});
