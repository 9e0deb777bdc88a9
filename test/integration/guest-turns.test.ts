/** GuestTurns against a real Redis: the order a turn ends in, and which answers are shown right after a play. */
import { createLogger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import type { Line } from '../../shared/queue/line.js';
import type { PlayerClient } from '../../shared/spotify/player-client.js';
import { PicksStore } from '../../shared/venue/picks-store.js';
import type { VenueStore } from '../../shared/venue/venue-store.js';
import { GuestTurns, PLAY_SETTLE_MS } from '../../workers/poller/guest-turns.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let db: RedisClient;

beforeAll(async () => {
  redis = await startTestRedis();
  db = await openRedis(redis.url);
});
afterAll(async () => {
  await db?.close();
  await redis?.dispose();
});

const pick = (uri: string) => ({
  uri,
  name: uri,
  artists: [{ name: 'A' }],
  album: { name: 'B', images: [] },
  duration_ms: 1000,
  explicit: false,
});

it('a guest whose picks all played is taken out of the line only after the picks are spent', async () => {
  const userId = 'guest-order';
  const turn = '1700000000000';
  const uris = ['spotify:track:aaaaaaaaaaaaaaaaaaaaaa', 'spotify:track:bbbbbbbbbbbbbbbbbbbbbb'];
  const picks = new PicksStore(db);
  await picks.set(userId, { picks: uris.map(pick), started: uris.length });
  await db.hSet(keys.venueTurn(turn), { play_sent: '1', uris: JSON.stringify(uris) });

  const picksWhenTakenOut: (string | null)[] = [];
  const line = {
    takeOut: async (id: string) => {
      picksWhenTakenOut.push(await db.get(keys.picks(id)));
      return 'active';
    },
  } as unknown as Line;
  const player = { pause: () => Promise.resolve() } as unknown as PlayerClient;
  const guests = new GuestTurns({
    redis: db,
    line,
    picks,
    venue: {} as VenueStore,
    player,
    idleSeconds: () => 60,
    log: createLogger({ level: 'silent' }),
  });

  // The last pick started earlier and the player is now on nothing: the picks are done.
  const ended = await guests.observed(
    { user_id: userId, ends_at: Date.now() + 60_000 } as Parameters<GuestTurns['observed']>[0],
    turn,
    { kind: 'nothing' },
  );

  expect(ended).toBe(true);
  expect(picksWhenTakenOut).toEqual([null]);
});

it('shows no venue answer before the turn’s play, none without the sent tracks while it settles, and any after', async () => {
  const turn = '1700000000001';
  const uris = ['spotify:track:cccccccccccccccccccccc', 'spotify:track:dddddddddddddddddddddd'];
  let now = 1_800_000_000_000;
  await db.hSet(keys.venueTurn(turn), { play_sent: '1', uris: JSON.stringify(uris), sent_at: String(now) });
  const guests = new GuestTurns({
    redis: db,
    line: {} as Line,
    picks: new PicksStore(db),
    venue: {} as VenueStore,
    player: {} as PlayerClient,
    idleSeconds: () => 60,
    log: createLogger({ level: 'silent' }),
    now: () => now,
  });
  now += PLAY_SETTLE_MS - 1;
  expect(await guests.answerView(turn, 'spotify:track:eeeeeeeeeeeeeeeeeeeeee')).toBe('settling');
  expect(await guests.answerView(turn, null)).toBe('settling');
  expect(await guests.answerView(turn, uris[1]!)).toBe('shown');
  now += 1;
  expect(await guests.answerView(turn, 'spotify:track:eeeeeeeeeeeeeeeeeeeeee')).toBe('shown');
  // Before the turn's play went out, what the venue plays is not the guest's.
  expect(await guests.answerView('1700000000002', 'spotify:track:eeeeeeeeeeeeeeeeeeeeee')).toBe('before_play');
});
