/** The publish script in Redis applies exactly the ordering rule the poller decides with. */
import fc from 'fast-check';
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { emptyNowPlaying, observationWins, type ObservationStamp } from '../../shared/hub-state/index.js';
import { NowPlayingStore } from '../../shared/realtime/now-playing-store.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let client: RedisClient;
let store: NowPlayingStore;

beforeAll(async () => {
  redis = await startTestRedis();
  client = await openRedis(redis.url);
  store = new NowPlayingStore(client);
});
afterAll(async () => {
  await client?.close();
  await redis?.dispose();
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
            messages: [],
          }),
        ).toBe('ok');
        const s1 = await store.read();
        const result = await store.publish({
          expectedVersion: s1.version,
          payload: { ...emptyNowPlaying(2), seq: s1.seq + 1 },
          ...turn,
          stamp: second,
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
        messages: [],
      }),
    ).toBe('ok');
    expect(
      await store.publish({
        expectedVersion: s0.version,
        payload: { ...emptyNowPlaying(4), seq: s0.seq + 1 },
        ...turn,
        stamp: null,
        messages: [],
      }),
    ).toBe('conflict');
  });
});
