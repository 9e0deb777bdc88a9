import fc from 'fast-check';
import { STALE_REPLICA_MS, observationWins, type ObservationStamp } from '../../shared/hub-state/index.js';

const turn = { driver: 'ada', turn: '1' };
const stamp = (fence: number, requestedAt: number, changedAt: number | null): ObservationStamp => ({
  fence,
  requestedAt,
  changedAt,
});

describe('observationWins', () => {
  it('lets an answer to a later request replace an earlier one, never the reverse', () => {
    expect(observationWins(stamp(5, 1000, 900), turn, stamp(4, 900, 900), turn)).toBe(true);
    expect(observationWins(stamp(4, 900, 900), turn, stamp(5, 1000, 900), turn)).toBe(false);
    expect(observationWins(stamp(5, 1000, 900), turn, stamp(5, 1000, 900), turn)).toBe(false);
  });

  it('refuses a later answer that reports an older playback change (a stale replica), for a while', () => {
    expect(observationWins(stamp(6, 2000, 500), turn, stamp(5, 1000, 900), turn)).toBe(false);
    expect(observationWins(stamp(6, 1000 + STALE_REPLICA_MS, 500), turn, stamp(5, 1000, 900), turn)).toBe(true);
  });

  it('always lets the first observation of another driver or turn through', () => {
    expect(observationWins(stamp(1, 0, 0), { driver: 'grace', turn: '2' }, stamp(9, 9, 9), turn)).toBe(true);
    expect(observationWins(stamp(1, 0, 0), turn, null, turn)).toBe(true);
  });

  it('orders any sequence of answers: whatever order they arrive in, the one shown last has the largest fence', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 30 }), (fences) => {
        let shown: ObservationStamp | null = null;
        for (const f of fences) {
          const candidate = stamp(f, f * 10, f * 10);
          if (observationWins(candidate, turn, shown, turn)) shown = candidate;
        }
        return shown!.fence === Math.max(...fences);
      }),
    );
  });
});
