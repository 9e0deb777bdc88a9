/**
 * Colours from the album art in the live feed: a track change goes out at once, and a second
 * `now_playing` for the same item follows with `item.palette`, without flipping back later.
 */
import { createLogger } from '../../shared/logger.js';
import { PALETTE_SWATCHES } from '../../shared/events.js';
import { startPollWorker, type RunningPollWorker } from '../../workers/poll.worker.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { RecordingSocket } from '../helpers/socket-client.js';

let redis: TestRedis;
let hub: TestHub;
let worker: RunningPollWorker;

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url, { env: { POLL_INTERVAL_MS: '300' } });
  worker = await startPollWorker(hub.config, createLogger({ level: 'silent' }), { slowMs: 1000 });
});
afterAll(async () => {
  await worker?.close();
  await hub?.close();
  await redis?.dispose();
});

describe('palette in now_playing', () => {
  it('sends the track change first and the palette for the same item in a follow-up with the next seq', async () => {
    const socket = new RecordingSocket(hub.url);
    await socket.connected();
    await loginThroughSimulator(new CookieClient(), hub.url, 'ada');
    const first = await socket.next('now_playing', (p) => p.state === 'playing' && p.item !== null, 30_000);
    const withColours = await socket.next(
      'now_playing',
      (p) => p.item?.id === first.item?.id && !!p.item?.palette,
      30_000,
    );
    expect(withColours.seq).toBeGreaterThan(first.seq);
    const palette = withColours.item!.palette!;
    expect(Object.keys(palette).sort()).toEqual([...PALETTE_SWATCHES].sort());
    expect(Object.values(palette).some((v) => typeof v === 'string' && /^#[0-9a-f]{6}$/.test(v))).toBe(true);
    // The first event for the item went out without waiting for the colours.
    const firstForItem = socket.events.find(
      (e) => e.event === 'now_playing' && (e.payload as { item?: { id?: string } }).item?.id === first.item?.id,
    );
    expect((firstForItem?.payload as { item: { palette?: unknown } }).item.palette ?? null).toBeNull();
    // Later keyframes of the same item keep the colours (no flip back to none).
    const keyframe = await socket.next(
      'now_playing',
      (p) => p.seq >= withColours.seq && p.server_time > withColours.server_time,
      15_000,
    );
    if (keyframe.item?.id === first.item?.id) expect(keyframe.item?.palette).toEqual(palette);
    socket.close();
  });
});
