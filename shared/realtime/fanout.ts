/**
 * Sends hub events to every client in every server process. The target is either a Socket.IO
 * `Server` (with the Redis adapter) or a `@socket.io/redis-emitter` `Emitter` (workers): both
 * offer `of(namespace).emit()` and `.to(room).emit()`.
 */
import { Emitter } from '@socket.io/redis-emitter';
import type { NowPlaying, QueueFull, QueueSummary, ServerToClientEvents, YouStatus } from '../events.js';
import { queueFull, queueSummary, youStatus, type Line } from '../queue/line.js';

type EventName = keyof ServerToClientEvents;

interface Emits {
  emit(event: EventName, payload: unknown): unknown;
}
interface NamespaceLike extends Emits {
  to(room: string): Emits;
}
export interface EmitTarget {
  of(namespace: string): NamespaceLike;
}

export const NAMESPACES = ['/', '/operator', '/bridge'] as const;
export type NamespaceName = (typeof NAMESPACES)[number];

/** The room of one user's sockets in `/`, for the `you` event. */
export const userRoom = (userId: string) => `user:${userId}`;

export class Fanout {
  readonly #target: EmitTarget;
  readonly #line: Line;

  constructor(target: EmitTarget, line: Line) {
    this.#target = target;
    this.#line = line;
  }

  nowPlaying(payload: NowPlaying): void {
    for (const nsp of NAMESPACES) this.#target.of(nsp).emit('now_playing', payload);
  }

  /**
   * Tells everyone the line changed: `queue` everywhere, `queue_full` to operators and `you` to
   * every waiting user and to each of `affected` (who just left, lost or started a turn).
   */
  async lineChanged(affected: readonly string[] = []): Promise<void> {
    const snapshot = await this.#line.snapshot();
    const summary: QueueSummary = queueSummary(snapshot);
    for (const nsp of NAMESPACES) this.#target.of(nsp).emit('queue', summary);
    const full: QueueFull = queueFull(snapshot, await this.#line.recentlyOut());
    this.#target.of('/operator').emit('queue_full', full);

    const home = this.#target.of('/');
    const inLine = new Set(snapshot.waiting.map((w) => w.id));
    if (snapshot.active) inLine.add(snapshot.active.user_id);
    // Users in the line need no record read: their place is in the snapshot.
    for (const id of inLine) {
      const status = youStatus(snapshot, {
        id,
        display_name: '',
        state: 'waiting',
        reason: null,
        joined_at: null,
        updated_at: null,
      });
      if (status) home.to(userRoom(id)).emit('you', status);
    }
    for (const id of affected) {
      if (inLine.has(id)) continue;
      const status: YouStatus | null = youStatus(snapshot, await this.#line.user(id));
      if (status) home.to(userRoom(id)).emit('you', status);
    }
  }
}

/**
 * The Redis messages that broadcast a `now_playing` to every namespace, encoded by the
 * `@socket.io/redis-emitter` itself (captured instead of sent), so a Lua script can publish them
 * in the same atomic step that stores the payload.
 */
export function nowPlayingMessages(channelKey: string, payload: NowPlaying): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  const capture = { publish: (channel: string, message: Buffer) => void out.push([channel, message]) };
  const emitter = new Emitter(capture as never, { key: channelKey });
  for (const nsp of NAMESPACES) emitter.of(nsp).emit('now_playing', payload);
  return out;
}
