/**
 * Publishes chosen `now_playing` payloads (and line changes) the way the poll worker does: the
 * worker's NowPlayingPublisher and Fanout over a `@socket.io/redis-emitter` on the test's Redis,
 * so the pages receive them through the real server. For content the simulator cannot produce
 * (a 180-character title, a track without images, a driver without a name).
 */
import { Emitter } from '@socket.io/redis-emitter';
import type { NowPlaying, NowPlayingItem } from '../../shared/events.js';
import { Line } from '../../shared/queue/line.js';
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { Fanout, nowPlayingMessages } from '../../shared/realtime/fanout.js';
import { NowPlayingStore } from '../../shared/realtime/now-playing-store.js';
import { NowPlayingPublisher } from '../../workers/poller/now-playing-publisher.js';
import { openRedis } from '../helpers/redis-server.js';

export type Draft = Omit<NowPlaying, 'seq' | 'server_time'> & { server_time?: number };

export interface NowPlayingFeed {
  readonly line: Line;
  /** Publishes `draft` as the next change (when it is one) and answers the current payload. */
  publish(draft: Draft): Promise<NowPlaying>;
  /** Sends a `queue` event as given (e.g. with venue-mode fields the line does not produce yet). */
  emitQueue(summary: Record<string, unknown>): void;
  /** Tells every client the line changed (`queue`, `queue_full`, `you`, also to `affected` users out of the line). */
  lineChanged(affected?: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function nowPlayingFeed(redisUrl: string): Promise<NowPlayingFeed> {
  const redis: RedisClient = await openRedis(redisUrl);
  const emitterClient: RedisClient = await openRedis(redisUrl);
  const line = new Line(redis, { turnSeconds: 180, idleSeconds: 45 });
  const emitter = new Emitter(emitterClient, { key: keys.socketIoChannel() });
  const fanout = new Fanout(emitter, line);
  const store = new NowPlayingStore(redis);
  const publisher = new NowPlayingPublisher(store, (payload) => nowPlayingMessages(keys.socketIoChannel(), payload));
  return {
    line,
    async publish(draft) {
      // The test plays one driver in one turn; no observation stamp, so the draft always counts.
      const sent = await publisher.offer((published) => ({
        draft: { ...draft, server_time: draft.server_time ?? Date.now() },
        driver: published.driver,
        turn: published.turn,
        stamp: null,
      }));
      // Nothing visible changed (the same state again): what clients have is already the draft.
      return sent ? sent.payload : store.current();
    },
    emitQueue: (summary) => void emitter.of('/').emit('queue', summary),
    lineChanged: (affected = []) => fanout.lineChanged(affected),
    async close() {
      await redis.close();
      await emitterClient.close();
    },
  };
}

/** A track item with the given name, artists and images. */
export function trackItem(
  name: string,
  artists: string[],
  images: NowPlayingItem['album']['images'],
  durationMs = 240_000,
): NowPlayingItem {
  const id = `t${Buffer.from(name).toString('hex').slice(0, 20)}`;
  return {
    type: 'track',
    id,
    uri: `spotify:track:${id}`,
    name,
    artists: artists.map((a, i) => ({ id: `a${i}`, name: a })),
    album: { id: 'album1', name: 'An album', images },
    duration_ms: durationMs,
  };
}
