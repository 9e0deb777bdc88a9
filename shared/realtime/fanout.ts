/**
 * Sends hub events to every client in every server process. The target is either a Socket.IO
 * `Server` (with the Redis adapter) or a `@socket.io/redis-emitter` `Emitter` (workers): both
 * offer `of(namespace).emit()` and `.to(room).emit()`.
 */
import { Emitter } from '@socket.io/redis-emitter';
import type { QueueFull, QueueSummary, ServerToClientEvents, YouStatus } from '../events.js';
import { EVENT_NAMESPACES, type NowPlaying } from '../hub-state/index.js';
import { queueFull, queueSummary, youStatus, type Line, type LineSnapshot, type UserRecord } from '../queue/line.js';
import type { PicksStore } from '../venue/picks-store.js';
import { withGuestPicks } from '../venue/you-picks.js';

// The namespaces are part of the hub's state model; servers' health and metrics count sockets by them.
export { NAMESPACES, type NamespaceName } from '../hub-state/index.js';

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

/** The room of one user's sockets in `/`, for the `you` event. */
export const userRoom = (userId: string) => `user:${userId}`;

/** Who is in the line: everyone waiting and whoever drives. */
function inLineIds(snapshot: LineSnapshot): Set<string> {
  const inLine = new Set(snapshot.waiting.map((w) => w.id));
  if (snapshot.active) inLine.add(snapshot.active.user_id);
  return inLine;
}

/**
 * The `you` of each of `userIds` who has one, as `snapshot` places them, with guests' picks. Users
 * in the line need no record read: their place is in the snapshot.
 */
export async function youStatuses(
  line: Pick<Line, 'user'>,
  picks: Pick<PicksStore, 'getMany'> | null,
  snapshot: LineSnapshot,
  userIds: readonly string[],
): Promise<Map<string, YouStatus>> {
  const inLine = inLineIds(snapshot);
  const statuses = new Map<string, YouStatus>();
  for (const id of userIds) {
    const record: UserRecord | null = inLine.has(id)
      ? { id, display_name: '', state: 'waiting', reason: null, joined_at: null, updated_at: null }
      : await line.user(id);
    const status = youStatus(snapshot, record);
    if (status) statuses.set(id, status);
  }
  return withGuestPicks(statuses, picks);
}

export class Fanout {
  readonly #target: EmitTarget;
  readonly #line: Line;
  readonly #picks: Pick<PicksStore, 'getMany'> | null;

  /** `picks`: venue mode, so that guests' `you` carries their picks. */
  constructor(target: EmitTarget, line: Line, picks: Pick<PicksStore, 'getMany'> | null = null) {
    this.#target = target;
    this.#line = line;
    this.#picks = picks;
  }

  nowPlaying(payload: NowPlaying): void {
    for (const nsp of EVENT_NAMESPACES.now_playing) this.#target.of(nsp).emit('now_playing', payload);
  }

  /**
   * Tells everyone the line changed: `queue` everywhere, `queue_full` to operators and `you` to
   * every waiting user and to each of `affected` (who just left, lost or started a turn).
   */
  async lineChanged(affected: readonly string[] = []): Promise<void> {
    const snapshot = await this.#line.snapshot();
    const summary: QueueSummary = queueSummary(snapshot);
    for (const nsp of EVENT_NAMESPACES.queue) this.#target.of(nsp).emit('queue', summary);
    const full: QueueFull = queueFull(snapshot, await this.#line.recentlyOut());
    for (const nsp of EVENT_NAMESPACES.queue_full) this.#target.of(nsp).emit('queue_full', full);

    await this.#sendYou(snapshot, [...new Set([...inLineIds(snapshot), ...affected])]);
  }

  /** `you` to these users only (a guest's picks started or changed; the line itself did not). */
  async you(userIds: readonly string[]): Promise<void> {
    await this.#sendYou(await this.#line.snapshot(), userIds);
  }

  async #sendYou(snapshot: LineSnapshot, userIds: readonly string[]): Promise<void> {
    for (const [id, status] of await youStatuses(this.#line, this.#picks, snapshot, userIds))
      for (const nsp of EVENT_NAMESPACES.you) this.#target.of(nsp).to(userRoom(id)).emit('you', status);
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
  const emitter = new Emitter(capture, { key: channelKey });
  for (const nsp of EVENT_NAMESPACES.now_playing) emitter.of(nsp).emit('now_playing', payload);
  return out;
}
