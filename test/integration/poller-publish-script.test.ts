/** The publish script in Redis applies exactly the ordering rule the poller decides with. */
import fc from 'fast-check';
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { emptyNowPlaying, observationWins, type ObservationStamp } from '../../shared/hub-state/index.js';
import { NowPlayingStore } from '../../shared/realtime/now-playing-store.js';
import { usePrivateRedis } from '../helpers/redis-server.js';

const redis = usePrivateRedis();
let client: RedisClient;
let store: NowPlayingStore;

beforeAll(() => {
  client = redis.client;
  store = new NowPlayingStore(client);
});

const turn = { driver: 'ada', turn: '1' };
const stampArb = fc.record({
  fence: fc.integer({ min: 1, max: 50 }),
  requestedAt: fc.integer({ min: 0, max: 20_000 }),
  changedAt: fc.option(fc.integer({ min: 0, max: 20_000 })),
});

describe('publish script', () => {
  it('accepts an observation exactly when observationWins does, and never changes anything when it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(stampArb, stampArb, async (first: ObservationStamp, second: ObservationStamp) => {
        await client.del([keys.nowPlaying(), keys.nowPlayingPublished(), keys.nowPlayingSeq()]);
        const s0 = await store.read();
        expect(
          await store.publish({
            expectedVersion: s0.version,
            payload: { ...emptyNowPlaying(1), seq: s0.seq + 1 },
            ...turn,
            stamp: first,
            lineVersion: null,
            messages: [],
          }),
        ).toBe('ok');
        const s1 = await store.read();
        const result = await store.publish({
          expectedVersion: s1.version,
          payload: { ...emptyNowPlaying(2), seq: s1.seq + 1 },
          ...turn,
          stamp: second,
          lineVersion: null,
          messages: [],
        });
        expect(result === 'ok').toBe(observationWins(second, turn, s1.stamp, s1));
        const s2 = await store.read();
        if (result !== 'ok') expect(s2).toEqual(s1);
        else expect(s2.seq).toBe(s1.seq + 1);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a publish computed from an outdated state, so a change is never published twice', async () => {
    const s0 = await store.read();
    expect(
      await store.publish({
        expectedVersion: s0.version,
        payload: { ...emptyNowPlaying(3), seq: s0.seq + 1 },
        ...turn,
        stamp: null,
        lineVersion: null,
        messages: [],
      }),
    ).toBe('ok');
    expect(
      await store.publish({
        expectedVersion: s0.version,
        payload: { ...emptyNowPlaying(4), seq: s0.seq + 1 },
        ...turn,
        stamp: null,
        lineVersion: null,
        messages: [],
      }),
    ).toBe('conflict');
  });

  it('refuses a draft built on an older line than the published one, and changes nothing', async () => {
    const lineVersionArb = fc.option(fc.nat(20));
    await fc.assert(
      fc.asyncProperty(lineVersionArb, lineVersionArb, async (first, second) => {
        await client.del([keys.nowPlaying(), keys.nowPlayingPublished(), keys.nowPlayingSeq()]);
        const s0 = await store.read();
        const draft = (at: number, seq: number, lineVersion: number | null) => ({
          expectedVersion: s0.version,
          payload: { ...emptyNowPlaying(at), seq },
          ...turn,
          stamp: null,
          lineVersion,
          messages: [],
        });
        expect(await store.publish(draft(1, s0.seq + 1, first))).toBe('ok');
        const s1 = await store.read();
        expect(s1.lineVersion).toBe(first ?? 0);
        const result = await store.publish({ ...draft(2, s1.seq + 1, second), expectedVersion: s1.version });
        const older = second !== null && second < (first ?? 0);
        expect(result).toBe(older ? 'line-moved' : 'ok');
        const s2 = await store.read();
        if (older) expect(s2).toEqual(s1);
        // A draft that read no line carries the published line version forward.
        else expect(s2.lineVersion).toBe(second ?? first ?? 0);
      }),
      { numRuns: 100 },
    );
  });
});
