import fc from 'fast-check';
import { MAX_FACTOR, RECOVERY_MS, factorAt, limitKind, widen } from '../../shared/spotify/rate-gate.js';
import { watchdogVerdict } from '../../workers/poller/watchdog.js';

describe('adaptive rate after 429 (AIMD)', () => {
  it('doubles the interval per 429, up to the cap, and recovers one step per RECOVERY_MS after the deadline', () => {
    const once = widen(null, 0, 1000);
    expect(factorAt(once, 500)).toBe(2);
    expect(factorAt(once, 1000 + RECOVERY_MS / 2)).toBe(1.5);
    expect(factorAt(once, 1000 + RECOVERY_MS)).toBe(1);
    const twice = widen(once, 1000, 2000);
    expect(factorAt(twice, 2000)).toBe(4);
    let r = null as ReturnType<typeof widen> | null;
    for (let i = 0; i < 10; i++) r = widen(r, 0, 0);
    expect(factorAt(r, 0)).toBe(MAX_FACTOR);
  });

  it('never speeds up past the configured interval and never rises without a 429', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: MAX_FACTOR, noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 0, max: 1e6 }),
        (factor, since, t) => {
          const rate = { factor, since };
          return (
            factorAt(rate, since + t) >= 1 &&
            factorAt(rate, since + t) <= factor &&
            factorAt(rate, since + t + 1000) <= factorAt(rate, since + t)
          );
        },
      ),
    );
  });

  it('tells a quota exhausted from a short rate limit', () => {
    expect(limitKind('QUOTA_EXCEEDED')).toBe('quota_exceeded');
    expect(limitKind(null)).toBe('rate_limited');
    expect(limitKind('SOMETHING_ELSE')).toBe('rate_limited');
  });
});

describe('watchdog', () => {
  const base = {
    now: 100_000,
    inFlightSince: null,
    lastFleetActivity: 99_000,
    lastLocalJob: 0,
    stallMs: 5000,
    maxCycleMs: 40_000,
  };
  it('calls a long poll slow, not stuck, until it ran past every time-out', () => {
    expect(watchdogVerdict({ ...base, inFlightSince: 99_000 })).toBe('ok');
    expect(watchdogVerdict({ ...base, inFlightSince: 90_000, lastFleetActivity: 0 })).toBe('slow');
    expect(watchdogVerdict({ ...base, inFlightSince: 50_000 })).toBe('stuck');
  });
  it('calls the fleet stuck when no job started anywhere for stallMs', () => {
    expect(watchdogVerdict(base)).toBe('ok');
    expect(watchdogVerdict({ ...base, lastFleetActivity: 94_000 })).toBe('stuck');
    expect(watchdogVerdict({ ...base, lastFleetActivity: 94_000, lastLocalJob: 99_500 })).toBe('ok');
  });
});
