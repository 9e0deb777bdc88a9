/**
 * The line-state draft (workers/poller/draft.ts): what the hub shows for the active turn from
 * the published state and maybe a fresh observation. Properties over generated turns, published
 * states and observations, then the cases by name.
 */
import fc from 'fast-check';
import type { NowPlaying, NowPlayingItem } from '../../shared/events.js';
import type { ActiveTurn } from '../../shared/queue/line.js';
import { extrapolate, nobodyDriving, observationWins, type ObservationStamp } from '../../shared/hub-state/index.js';
import type { PublishedState } from '../../shared/realtime/now-playing-store.js';
import type { Playback } from '../../shared/spotify/schemas.js';
import { propose, turnId, type Observation } from '../../workers/poller/draft.js';

const NOW = 1_000_000;
/** The store before anything was ever published. */
const NOTHING_PUBLISHED: PublishedState = {
  payload: { ...nobodyDriving(0), seq: 0 },
  version: 0,
  seq: 0,
  driver: '',
  turn: '',
  stamp: null,
  lineVersion: 0,
};

const item = (id: string, duration: number): NowPlayingItem => ({
  type: 'track',
  id,
  uri: null,
  name: id,
  artists: [],
  album: { id: null, name: '', images: [] },
  duration_ms: duration,
});

const itemArb = fc
  .record({ id: fc.constantFrom('a', 'b', 'c'), duration: fc.integer({ min: 0, max: 600_000 }) })
  .map(({ id, duration }) => item(id, duration));
const progressArb = fc.option(fc.integer({ min: -5_000, max: 700_000 }));
const changedAtArb = fc.option(fc.integer({ min: NOW - 100_000, max: NOW }));
const playbackArb: fc.Arbitrary<Playback> = fc.oneof(
  fc.constant<Playback>({ kind: 'nothing' }),
  fc.record({
    kind: fc.constantFrom<'ad' | 'unknown'>('ad', 'unknown'),
    isPlaying: fc.boolean(),
    progressMs: progressArb,
    changedAt: changedAtArb,
  }),
  fc.record({
    kind: fc.constant<'item'>('item'),
    item: itemArb,
    isPlaying: fc.boolean(),
    progressMs: progressArb,
    changedAt: changedAtArb,
  }),
);
const stampArb: fc.Arbitrary<ObservationStamp> = fc.record({
  fence: fc.integer({ min: 1, max: 20 }),
  requestedAt: fc.integer({ min: NOW - 20_000, max: NOW }),
  changedAt: changedAtArb,
});
const activeArb: fc.Arbitrary<ActiveTurn> = fc.record({
  user_id: fc.constantFrom('ada', 'grace'),
  display_name: fc.constantFrom('Ada', 'Grace'),
  started_at: fc.constantFrom(5, 6),
  ends_at: fc.option(fc.integer({ min: NOW, max: NOW + 300_000 })),
  remaining_ms: fc.constant(null),
  last_playing_at: fc.constant(null),
});
/** A payload as the hub publishes it: progress within the item, the state saying whether it plays. */
const payloadArb: fc.Arbitrary<NowPlaying> = fc.oneof(
  itemArb.chain((it) =>
    fc
      .record({
        seq: fc.nat(100),
        state: fc.constant<'playing'>('playing'),
        user: fc.constant({ display_name: 'Ada' }),
        item: fc.constant(it),
        is_playing: fc.boolean(),
        progress_ms: fc.integer({ min: 0, max: it.duration_ms }),
        server_time: fc.integer({ min: NOW - 60_000, max: NOW }),
        turn_ends_at: fc.constant(null),
      })
      .map((p): NowPlaying => ({ ...p, state: p.is_playing ? 'playing' : 'paused' })),
  ),
  fc.constant<NowPlaying>({ ...nobodyDriving(NOW - 1000), seq: 1 }),
);
const publishedArb: fc.Arbitrary<PublishedState> = fc.record({
  payload: payloadArb,
  version: fc.nat(50),
  seq: fc.nat(100),
  driver: fc.constantFrom('', 'ada', 'grace'),
  turn: fc.constantFrom('', '5', '6'),
  stamp: fc.option(stampArb),
  lineVersion: fc.nat(50),
});
const observationArb: fc.Arbitrary<Observation> = fc.record({
  driver: fc.constantFrom('ada', 'grace'),
  turn: fc.constantFrom('5', '6'),
  playback: playbackArb,
  stamp: stampArb,
  answeredAt: fc.integer({ min: NOW - 10_000, max: NOW + 500 }),
});

const matchesTurn = (obs: Observation | null, active: ActiveTurn) =>
  obs !== null && obs.driver === active.user_id && obs.turn === turnId(active);

describe('propose (properties)', () => {
  it('shows nobody and no playback when nobody drives, whatever was published or observed', () => {
    fc.assert(
      fc.property(publishedArb, fc.option(observationArb), (published, obs) => {
        const p = propose(NOW, null, published, obs);
        expect(p).toEqual({ draft: nobodyDriving(NOW), driver: '', turn: '', stamp: null });
      }),
    );
  });

  it('is always about the active turn: its driver, turn, name, end and the time now', () => {
    fc.assert(
      fc.property(activeArb, publishedArb, fc.option(observationArb), (active, published, obs) => {
        const p = propose(NOW, active, published, obs, 'guest');
        expect(p.driver).toBe(active.user_id);
        expect(p.turn).toBe(turnId(active));
        expect(p.draft.user).toEqual({ display_name: active.display_name, kind: 'guest' });
        expect(p.draft.turn_ends_at).toBe(active.ends_at);
        expect(p.draft.server_time).toBe(NOW);
      }),
    );
  });

  it('shows an observation exactly when it is of this turn and newer than the one published', () => {
    fc.assert(
      fc.property(activeArb, publishedArb, fc.option(observationArb), (active, published, obs) => {
        const p = propose(NOW, active, published, obs);
        const shown = matchesTurn(obs, active) && observationWins(obs!.stamp, obs!, published.stamp, published);
        expect(p.stamp).toEqual(shown ? obs!.stamp : null);
      }),
    );
  });

  it('keeps the draft coherent: playing means an item that moves, paused an item that holds, idle nothing', () => {
    fc.assert(
      fc.property(activeArb, publishedArb, fc.option(observationArb), (active, published, obs) => {
        const { draft } = propose(NOW, active, published, obs);
        if (draft.state === 'idle' || draft.state === 'no_active_user') {
          expect(draft.item).toBeNull();
          expect(draft.is_playing).toBe(false);
          expect(draft.progress_ms).toBe(0);
        } else {
          expect(draft.item).not.toBeNull();
          expect(draft.is_playing).toBe(draft.state === 'playing');
          expect(draft.progress_ms).toBeGreaterThanOrEqual(0);
          expect(draft.progress_ms).toBeLessThanOrEqual(draft.item!.duration_ms);
        }
      }),
    );
  });

  it('moves a shown playing item by the time since Spotify answered, capped at its end; a paused one stays', () => {
    fc.assert(
      fc.property(
        activeArb,
        itemArb,
        fc.boolean(),
        progressArb,
        fc.integer({ min: -2000, max: 20_000 }),
        (active, it, playing, progress, since) => {
          const obs: Observation = {
            driver: active.user_id,
            turn: turnId(active),
            playback: { kind: 'item', item: it, isPlaying: playing, progressMs: progress, changedAt: null },
            stamp: { fence: 1, requestedAt: NOW - 100, changedAt: null },
            answeredAt: NOW - since,
          };
          const { draft } = propose(NOW, active, NOTHING_PUBLISHED, obs);
          const moved = playing ? Math.max(0, since) : 0;
          expect(draft.progress_ms).toBe(Math.min(Math.max(0, (progress ?? 0) + moved), it.duration_ms));
          expect(draft.state).toBe(playing ? 'playing' : 'paused');
          expect(draft.item).toEqual(it);
        },
      ),
    );
  });

  it('carries what was published for the same turn forward, extrapolated to now, when no observation wins', () => {
    fc.assert(
      fc.property(activeArb, payloadArb, (active, payload) => {
        const published: PublishedState = {
          payload,
          version: 1,
          seq: payload.seq,
          driver: active.user_id,
          turn: turnId(active),
          stamp: null,
          lineVersion: 0,
        };
        const { draft, stamp } = propose(NOW, active, published, null);
        expect(stamp).toBeNull();
        expect(draft).toMatchObject({
          state: payload.state,
          item: payload.item,
          is_playing: payload.is_playing,
          progress_ms: extrapolate(payload, NOW),
        });
      }),
    );
  });
});

describe('propose (cases)', () => {
  const active: ActiveTurn = {
    user_id: 'ada',
    display_name: 'Ada',
    started_at: 5,
    ends_at: NOW + 60_000,
    remaining_ms: null,
    last_playing_at: null,
  };
  const observe = (playback: Playback): Observation => ({
    driver: 'ada',
    turn: '5',
    playback,
    stamp: { fence: 1, requestedAt: NOW - 300, changedAt: null },
    answeredAt: NOW - 200,
  });

  it('shows 204, an ad and an unknown type as idle: nothing the installation can show', () => {
    for (const playback of [
      { kind: 'nothing' },
      { kind: 'ad', isPlaying: true, progressMs: 5000, changedAt: null },
      { kind: 'unknown', isPlaying: true, progressMs: 5000, changedAt: null },
    ] satisfies Playback[]) {
      const p = propose(NOW, active, NOTHING_PUBLISHED, observe(playback));
      expect(p.draft).toMatchObject({ state: 'idle', item: null, is_playing: false, progress_ms: 0 });
      expect(p.stamp).not.toBeNull(); // still recorded as seen
    }
  });

  it('shows a turn nobody observed yet as idle rather than the previous driver’s music', () => {
    const previous: PublishedState = {
      ...NOTHING_PUBLISHED,
      payload: { ...nobodyDriving(0), seq: 4, state: 'playing', item: item('old', 200_000), is_playing: true },
      driver: 'grace',
      turn: '4',
    };
    expect(propose(NOW, active, previous, null).draft).toMatchObject({ state: 'idle', item: null });
  });

  it('names the turn by its start time, so the same user driving again is another turn', () => {
    expect(turnId(active)).toBe('5');
    expect(turnId({ ...active, started_at: 9 })).not.toBe(turnId(active));
  });
});
