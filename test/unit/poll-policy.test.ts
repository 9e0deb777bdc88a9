import fc from 'fast-check';
import {
  EARLY_MS,
  MAX_SNAP_MS,
  nextPollAt,
  pollPolicy,
  predictedEnd,
  seenIn,
  shouldCallNow,
  type LastCall,
  type PollInputs,
} from '../../workers/poller/poll-policy.js';
import type { NowPlayingItem } from '../../shared/events.js';

const policy = pollPolicy(1000);
const item = (duration: number): NowPlayingItem => ({
  type: 'track',
  id: 't',
  uri: null,
  name: 'T',
  artists: [],
  album: { id: null, name: '', images: [] },
  duration_ms: duration,
});
const last = (over: Partial<LastCall> = {}): LastCall => ({
  driver: 'ada',
  turn: '1',
  at: 100_000,
  seen: 'playing',
  predictedEnd: null,
  ...over,
});
const inputs = (over: Partial<PollInputs> = {}): PollInputs => ({
  driver: 'ada',
  turn: '1',
  last: last(),
  forceAt: null,
  notBefore: 0,
  factor: 1,
  ...over,
});

describe('nextPollAt', () => {
  it('polls a new driver, a new turn and a "poll now" request at once', () => {
    expect(nextPollAt(inputs({ last: null }), policy)).toBe(0);
    expect(nextPollAt(inputs({ driver: 'grace' }), policy)).toBe(0);
    expect(nextPollAt(inputs({ turn: '2' }), policy)).toBe(0);
    expect(nextPollAt(inputs({ forceAt: 100_001 }), policy)).toBe(0);
    // A request older than the last call was answered by it.
    expect(nextPollAt(inputs({ forceAt: 99_999 }), policy)).toBe(101_000);
  });

  it('polls a paused turn at the regular interval, like a playing one', () => {
    expect(nextPollAt(inputs({ last: last({ seen: 'paused' }) }), policy)).toBe(101_000);
    expect(nextPollAt(inputs({ last: last({ seen: 'playing' }) }), policy)).toBe(101_000);
  });

  it('polls a turn with nothing playing (204) more slowly', () => {
    expect(nextPollAt(inputs({ last: last({ seen: 'idle' }) }), policy)).toBe(102_000);
  });

  it('never calls before the 429 deadline or the backoff, and widens with the adaptive factor', () => {
    expect(nextPollAt(inputs({ notBefore: 150_000 }), policy)).toBe(150_000);
    expect(nextPollAt(inputs({ factor: 2 }), policy)).toBe(102_000);
  });

  it('moves the next poll to just after a predicted track end near it, never adding one', () => {
    expect(nextPollAt(inputs({ last: last({ predictedEnd: 100_800 }) }), policy)).toBe(101_100);
    expect(nextPollAt(inputs({ last: last({ predictedEnd: 100_500 }) }), policy)).toBe(100_800);
    // Too far from the regular time: the regular poll sees the new track.
    expect(nextPollAt(inputs({ last: last({ predictedEnd: 100_100 }) }), policy)).toBe(101_000);
  });

  it('keeps every gap within the interval ± the snap share while playing (one call per interval on average)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 5000 }),
        fc.integer({ min: 0, max: 400_000 }),
        fc.option(fc.integer({ min: -10_000, max: 400_000 })),
        (interval, at, endOffset) => {
          const p = pollPolicy(interval);
          const end = endOffset === null ? null : at + endOffset;
          const gap = nextPollAt(inputs({ last: last({ at, predictedEnd: end }) }), p) - at;
          const snap = Math.min(interval * 0.3, MAX_SNAP_MS);
          return gap >= interval - snap && gap <= interval + snap;
        },
      ),
    );
  });

  it('is monotonic in the deadline: a later deadline never brings a call forward', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (a, b) => {
        const lo = Math.min(a, b) + 100_000;
        const hi = Math.max(a, b) + 100_000;
        return nextPollAt(inputs({ notBefore: hi }), policy) >= nextPollAt(inputs({ notBefore: lo }), policy);
      }),
    );
  });
});

describe('shouldCallNow', () => {
  it('calls when due, allowing timer jitter, and not before', () => {
    expect(shouldCallNow(inputs(), policy, 101_000 - EARLY_MS)).toBe(true);
    expect(shouldCallNow(inputs(), policy, 100_900)).toBe(false);
    expect(shouldCallNow(inputs({ notBefore: 200_000 }), policy, 150_000)).toBe(false);
  });

  /** Any situation the poller can be in: a last call or none, another driver or turn, a "poll now", a deadline. */
  const situation = fc.record({
    interval: fc.integer({ min: 200, max: 5000 }),
    last: fc.option(
      fc.record({
        driver: fc.constantFrom('ada', 'grace'),
        turn: fc.constantFrom('1', '2'),
        at: fc.integer({ min: 0, max: 400_000 }),
        seen: fc.constantFrom<LastCall['seen']>('playing', 'paused', 'idle', null),
        predictedEnd: fc.option(fc.integer({ min: 0, max: 800_000 })),
      }),
    ),
    forceAt: fc.option(fc.integer({ min: 0, max: 400_000 })),
    notBefore: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 500_000 })),
    factor: fc.double({ min: 1, max: 8, noNaN: true }),
  });
  type Situation = typeof situation extends fc.Arbitrary<infer T> ? T : never;
  const toInputs = (s: Situation): PollInputs => ({
    driver: 'ada',
    turn: '1',
    last: s.last,
    forceAt: s.forceAt,
    notBefore: s.notBefore,
    factor: s.factor,
  });

  it('once it says call, it keeps saying so as time passes (no due call is ever withdrawn)', () => {
    fc.assert(
      fc.property(situation, fc.integer({ min: 0, max: 900_000 }), fc.nat(100_000), (s, now, later) => {
        const inp = toInputs(s);
        const p = pollPolicy(s.interval);
        if (shouldCallNow(inp, p, now)) expect(shouldCallNow(inp, p, now + later)).toBe(true);
      }),
    );
  });

  it('never calls before the 429 deadline or backoff (beyond timer jitter)', () => {
    fc.assert(
      fc.property(situation, fc.integer({ min: 0, max: 900_000 }), (s, now) => {
        if (now < s.notBefore - EARLY_MS) expect(shouldCallNow(toInputs(s), pollPolicy(s.interval), now)).toBe(false);
      }),
    );
  });

  it('calls at once for a new driver or turn, or a "poll now" newer than the last call, once the deadline allows', () => {
    fc.assert(
      fc.property(situation, fc.integer({ min: 0, max: 900_000 }), (s, now) => {
        const l = s.last;
        const fresh = !l || l.driver !== 'ada' || l.turn !== '1' || (s.forceAt !== null && s.forceAt > l.at);
        if (fresh && now >= s.notBefore) expect(shouldCallNow(toInputs(s), pollPolicy(s.interval), now)).toBe(true);
      }),
    );
  });

  it('for the same turn, waits at least an interval (stretched by the factor) less the snap, and longer when idle', () => {
    fc.assert(
      fc.property(situation, (s) => {
        const l = s.last;
        if (!l || l.driver !== 'ada' || l.turn !== '1' || (s.forceAt !== null && s.forceAt > l.at)) return;
        const p = pollPolicy(s.interval);
        const period = s.interval * s.factor;
        const snap = Math.min(period * 0.3, MAX_SNAP_MS);
        const earliest = l.at + (l.seen === 'idle' ? Math.max(p.idleMs, period) : period - snap);
        expect(shouldCallNow(toInputs(s), p, earliest - EARLY_MS - 1)).toBe(false);
        // …and calls by the regular time (plus the snap) when no deadline stands in the way.
        const latest = l.at + (l.seen === 'idle' ? Math.max(p.idleMs, period) : period + snap);
        if (s.notBefore <= latest) expect(shouldCallNow(toInputs(s), p, latest)).toBe(true);
      }),
    );
  });
});

describe('seenIn and predictedEnd', () => {
  it('classifies answers for pacing: ads play, a paused item is paused, 204 is idle', () => {
    expect(seenIn({ kind: 'nothing' })).toBe('idle');
    expect(seenIn({ kind: 'ad', isPlaying: true, progressMs: 0, changedAt: null })).toBe('playing');
    expect(seenIn({ kind: 'item', item: item(1000), isPlaying: false, progressMs: 0, changedAt: null })).toBe('paused');
    expect(seenIn({ kind: 'unknown', isPlaying: false, progressMs: null, changedAt: null })).toBe('idle');
  });

  it('predicts the end only while an item plays', () => {
    expect(
      predictedEnd({ kind: 'item', item: item(10_000), isPlaying: true, progressMs: 4000, changedAt: null }, 1000),
    ).toBe(7000);
    expect(
      predictedEnd({ kind: 'item', item: item(10_000), isPlaying: false, progressMs: 4000, changedAt: null }, 1000),
    ).toBeNull();
  });
});
