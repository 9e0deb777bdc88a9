import fc from 'fast-check';
import { emptyNowPlaying, isStale, type NowPlaying } from '../../shared/hub-state/index.js';

const at = (seq: number, serverTime: number): NowPlaying => ({ ...emptyNowPlaying(serverTime), seq });

describe('is this now_playing older than the one held', () => {
  it('takes anything when nothing is held', () => {
    expect(isStale(null, at(1, 0))).toBe(false);
  });

  it('drops a lower seq from no later than the one held (a late state crossing a newer one)', () => {
    expect(isStale(at(5, 2000), at(4, 1000))).toBe(true);
    expect(isStale(at(5, 2000), at(4, 2000))).toBe(true);
  });

  it('takes the same seq (a keyframe) and a higher one', () => {
    expect(isStale(at(5, 2000), at(5, 7000))).toBe(false);
    expect(isStale(at(5, 2000), at(6, 2500))).toBe(false);
  });

  it('takes a lower seq from later: the sequence started over (Redis lost it, a replayed show looped)', () => {
    expect(isStale(at(40, 2000), at(1, 9000))).toBe(false);
  });

  it('whatever order a feed arrives in, a client ends up holding its highest seq', () => {
    // A feed as the publisher makes it: seq grows by one per change, a keyframe repeats it, and
    // server_time grows with every state.
    const feed = fc
      .array(fc.record({ change: fc.boolean(), gap: fc.integer({ min: 1, max: 5000 }) }), {
        minLength: 1,
        maxLength: 30,
      })
      .map((steps) => {
        let seq = 0;
        let time = 1_000_000;
        return steps.map(({ change, gap }) => {
          if (change || seq === 0) seq++;
          time += gap;
          return at(seq, time);
        });
      });
    fc.assert(
      fc.property(
        feed.chain((f) =>
          fc.tuple(fc.constant(f), fc.shuffledSubarray(f, { minLength: f.length, maxLength: f.length })),
        ),
        ([published, delivered]) => {
          let held: NowPlaying | null = null;
          for (const p of delivered) if (!isStale(held, p)) held = p;
          return held!.seq === Math.max(...published.map((p) => p.seq));
        },
      ),
    );
  });
});
