import fc from 'fast-check';
import { CLOCK_MAX_RTT_MS, CLOCK_SAMPLES_KEPT, HubClock, clockSample } from '../../shared/hub-state/index.js';

/**
 * A client whose clock is `offset` ms behind the hub's: a ping sent at local `sentAt` takes `up`
 * ms to reach the hub, which answers with its clock, and the answer takes `down` ms back.
 */
function roundTrip(
  clock: HubClock,
  setLocal: (t: number) => void,
  offset: number,
  sentAt: number,
  up: number,
  down: number,
) {
  setLocal(sentAt + up + down);
  return clock.record(sentAt, sentAt + up + offset);
}

function skewedClock() {
  let local = 1_700_000_000_000;
  const clock = new HubClock(() => local);
  return { clock, setLocal: (t: number) => (local = t), local: () => local };
}

const offsetArb = fc.integer({ min: -3_600_000, max: 3_600_000 });
const legArb = fc.integer({ min: 0, max: CLOCK_MAX_RTT_MS / 2 });

describe('clock offset from ping_time/pong_time', () => {
  it('is exact when both legs take equally long', () => {
    fc.assert(
      fc.property(offsetArb, legArb, (offset, leg) => {
        const sample = clockSample(1000, 1000 + 2 * leg, 1000 + leg + offset);
        return sample !== null && sample.offsetMs === offset && sample.rttMs === 2 * leg;
      }),
    );
  });

  it('is off by at most half the round trip whatever the legs', () => {
    fc.assert(
      fc.property(offsetArb, legArb, legArb, (offset, up, down) => {
        const sample = clockSample(0, up + down, up + offset)!;
        return Math.abs(sample.offsetMs - offset) <= sample.rttMs / 2;
      }),
    );
  });

  it('refuses an answer that came back before it was sent, or after too long', () => {
    expect(clockSample(1000, 999, 5000)).toBeNull();
    expect(clockSample(0, CLOCK_MAX_RTT_MS + 1, 5000)).toBeNull();
    const { clock, setLocal } = skewedClock();
    roundTrip(clock, setLocal, -5000, 10_000, 20, 20);
    setLocal(9000);
    expect(clock.record(10_000, 99_999)).toBe(false);
    expect(clock.offsetMs()).toBe(-5000);
  });

  it('trusts the recent sample with the shortest round trip, so its error is within that half round trip', () => {
    fc.assert(
      fc.property(offsetArb, fc.array(fc.tuple(legArb, legArb), { minLength: 1, maxLength: 20 }), (offset, legs) => {
        const { clock, setLocal, local } = skewedClock();
        for (const [up, down] of legs) roundTrip(clock, setLocal, offset, local(), up, down);
        const recent = legs.slice(-CLOCK_SAMPLES_KEPT);
        const best = Math.min(...recent.map(([up, down]) => up + down));
        const bestLegs = recent.find(([up, down]) => up + down === best)!;
        return (
          clock.offsetMs() === offset + (bestLegs[0] - bestLegs[1]) / 2 &&
          Math.abs(clock.offsetMs() - offset) <= best / 2
        );
      }),
    );
  });

  it('forgets samples older than the last few (a route that got slower is judged by its own)', () => {
    const { clock, setLocal, local } = skewedClock();
    roundTrip(clock, setLocal, 1000, local(), 1, 1); // a quick route, offset 1000
    for (let i = 0; i < CLOCK_SAMPLES_KEPT; i++) roundTrip(clock, setLocal, 2000, local(), 100, 100);
    expect(clock.offsetMs()).toBe(2000);
  });

  it('tells the hub time on the local clock, and holds its estimate across a reconnect until a new sample', () => {
    const { clock, setLocal, local } = skewedClock();
    expect(clock.hasSample()).toBe(false);
    expect(clock.hubNow()).toBe(local());
    roundTrip(clock, setLocal, -5000, local(), 10, 10);
    expect(clock.hasSample()).toBe(true);
    expect(clock.hubNow()).toBe(local() - 5000);
    clock.reset();
    expect(clock.hasSample()).toBe(false);
    expect(clock.offsetMs()).toBe(-5000);
    roundTrip(clock, setLocal, -7000, local(), 300, 300);
    expect(clock.offsetMs()).toBe(-7000);
  });
});
