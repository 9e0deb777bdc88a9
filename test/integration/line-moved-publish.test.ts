/**
 * A draft built on a line the hub has since changed is never published: a poll that read the line
 * just before an operator's pause must not undo the pause that went out meanwhile (goal: hub-caused
 * changes never flip back). The race is staged step by step: read the line, pause and publish the
 * pause, then offer what the older read shows.
 */
import { Line } from '../../shared/queue/line.js';
import { NowPlayingStore } from '../../shared/realtime/now-playing-store.js';
import { propose } from '../../workers/poller/draft.js';
import { hubCaused, type HubCaused } from '../../workers/poller/hub-caused.js';
import { NowPlayingPublisher } from '../../workers/poller/now-playing-publisher.js';
import { usePrivateRedis } from '../helpers/redis-server.js';
import { resetLine } from '../helpers/line-reset.js';

const redis = usePrivateRedis();
let line: Line;
let store: NowPlayingStore;
let hub: HubCaused;
let publisher: NowPlayingPublisher;

beforeEach(async () => {
  const client = redis.client;
  await resetLine(client);
  line = new Line(client, { turnSeconds: 600, idleSeconds: 600 });
  store = new NowPlayingStore(client);
  // The publish script stores the payload and broadcasts it in one step: the stored one is what
  // screens were sent last.
  publisher = new NowPlayingPublisher(store, () => []);
  hub = hubCaused({ line, store, publisher, now: Date.now });
  await line.join('ada', 'Ada Lovelace');
  await line.join('grace', 'Grace Hopper');
  await line.tick();
  await hub.publishLine();
});

const lastShown = () => store.current();

describe('a draft built on an older line', () => {
  it('does not undo a pause published meanwhile', async () => {
    expect((await lastShown()).turn_ends_at).not.toBeNull();
    const before = await line.snapshot();

    await line.pause();
    await hub.publishLine();
    expect((await lastShown()).turn_ends_at).toBeNull();
    const shown = await store.read();

    await hub.showLine(before.active!, 'spotify', before.version);
    expect(await store.read()).toEqual(shown);
    expect((await store.current()).turn_ends_at).toBeNull();
  });

  it('does not bring back the driver an operator skipped', async () => {
    const before = await line.snapshot();
    expect(before.active?.user_id).toBe('ada');

    await line.skip();
    await line.tick();
    await hub.publishLine();
    expect((await lastShown()).user?.display_name).toBe('Grace Hopper');
    const shown = await store.read();

    await hub.showLine(before.active!, 'spotify', before.version);
    expect(await store.read()).toEqual(shown);
    expect((await store.current()).user?.display_name).toBe('Grace Hopper');
  });

  it('is published when nothing changed the line since it was read', async () => {
    const before = await line.snapshot();
    await line.pause();
    // Built on the line as it is now: the pause shows.
    const now = await line.snapshot();
    await hub.showLine(now.active!, 'spotify', now.version);
    expect((await lastShown()).turn_ends_at).toBeNull();
    expect(now.version).toBeGreaterThan(before.version);
  });

  it('is rebuilt on the line as it is now when the proposer asks to (the poll keeps its answer)', async () => {
    const before = await line.snapshot();
    await line.pause();
    await hub.publishLine();

    const moves: boolean[] = [];
    const sent = await publisher.offer(async (published, lineMoved) => {
      moves.push(lineMoved);
      const snapshot = lineMoved ? await line.snapshot() : before;
      return { ...propose(Date.now(), snapshot.active, published, null), lineVersion: snapshot.version };
    });
    expect(moves).toEqual([false, true]);
    // Rebuilt on the paused line: nothing new to show, or a keyframe of the pause.
    expect(sent === null || sent.payload.turn_ends_at === null).toBe(true);
    expect((await lastShown()).turn_ends_at).toBeNull();
  });
});
