/**
 * What a socket is sent the moment it connects (docs/protocol.md's snapshot), read once for every
 * socket that connected in the same moment.
 *
 * After a server restart or a venue's Wi-Fi drop, thousands of phones reconnect within seconds.
 * Read per socket, each one cost two Redis reads (now_playing and the whole line), their parsing,
 * and the encoding of the same messages again: garbage that the collector then carries into the
 * old generation while the connections keep arriving.
 *
 * Here the sockets that connect while no read is under way are served together, by one read that
 * starts on the next turn of the event loop, after all of them connected: none gets an older state
 * than a read of its own would have given it. Sockets that connect while a read is under way wait
 * for the next one, for the same reason. The messages a namespace's sockets all get alike go to
 * them as one broadcast to their own rooms on this server (encoded once, not through the Redis
 * adapter); only `you`, a phone's own place in the line, is sent socket by socket after them.
 */
import type { Namespace, Socket } from 'socket.io';
import type { Logger } from '../../shared/logger.js';
import {
  connectSnapshot,
  snapshotEvents,
  type HubStatePayloads,
  type NamespaceName,
  type SnapshotMessage,
} from '../../shared/hub-state/index.js';
import type { YouStatus } from '../../shared/events.js';
import { queueSummary, type LineSnapshot } from '../../shared/queue/line.js';

/** The parts of a socket this needs: its id (also its own room), its user, and a way to send. */
export type SnapshotSocket = Pick<Socket, 'id' | 'connected'> & {
  data: { userId: string | null };
  emit(event: 'you', data: YouStatus): boolean;
};

/** How the snapshot's parts are read; each is asked once per batch (per namespace where it differs). */
export interface SnapshotReads {
  /** The published now_playing and the line, which every namespace's snapshot is built from. */
  current(): Promise<{ nowPlaying: HubStatePayloads['now_playing']; line: LineSnapshot }>;
  /** The parts one namespace's sockets all get alike besides now_playing and queue (operators'). */
  forNamespace(
    namespace: NamespaceName,
    line: LineSnapshot,
  ): Promise<Partial<Pick<HubStatePayloads, 'queue_full' | 'health'>>>;
  /** The `you` of each of these users who is in the line. */
  yous(userIds: readonly string[], line: LineSnapshot): Promise<ReadonlyMap<string, YouStatus>>;
}

type Sends = (namespace: NamespaceName, socketIds: readonly string[], message: SnapshotMessage) => void;

export class ConnectSnapshots {
  readonly #reads: SnapshotReads;
  readonly #broadcast: Sends;
  readonly #log: Logger;
  /** Sockets waiting for the next read, by namespace. */
  #waiting = new Map<NamespaceName, SnapshotSocket[]>();
  #scheduled = false;
  #reading: Promise<void> | null = null;

  constructor(reads: SnapshotReads, broadcast: Sends, log: Logger) {
    this.#reads = reads;
    this.#broadcast = broadcast;
    this.#log = log;
  }

  /** Queues a socket that just connected for the next snapshot. */
  add(socket: SnapshotSocket, namespace: NamespaceName): void {
    const list = this.#waiting.get(namespace);
    if (list) list.push(socket);
    else this.#waiting.set(namespace, [socket]);
    this.#schedule();
  }

  /** Resolves when every socket queued so far has been sent its snapshot (or its read failed). */
  async settled(): Promise<void> {
    while (this.#scheduled || this.#reading) await (this.#reading ?? new Promise((r) => setImmediate(r)));
  }

  #schedule(): void {
    if (this.#scheduled || this.#reading) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const batch = this.#waiting;
      this.#waiting = new Map();
      this.#reading = this.#send(batch).finally(() => {
        this.#reading = null;
        if (this.#waiting.size > 0) this.#schedule();
      });
    });
  }

  async #send(batch: Map<NamespaceName, SnapshotSocket[]>): Promise<void> {
    try {
      const { nowPlaying, line } = await this.#reads.current();
      const shared = { now_playing: nowPlaying, queue: queueSummary(line) };
      await Promise.all(
        [...batch].map(([namespace, sockets]) => this.#sendNamespace(namespace, sockets, shared, line)),
      );
    } catch (err) {
      const sockets = [...batch.values()].reduce((n, list) => n + list.length, 0);
      this.#log.warn(
        { err: { message: (err as Error).message }, sockets },
        'could not send the current state to new sockets',
      );
    }
  }

  async #sendNamespace(
    namespace: NamespaceName,
    sockets: SnapshotSocket[],
    shared: Pick<HubStatePayloads, 'now_playing' | 'queue'>,
    line: LineSnapshot,
  ): Promise<void> {
    const users = snapshotEvents(namespace).includes('you')
      ? [...new Set(sockets.map((s) => s.data.userId).filter((id): id is string => id !== null))]
      : [];
    const [alike, yous] = await Promise.all([
      this.#reads.forNamespace(namespace, line),
      users.length > 0 ? this.#reads.yous(users, line) : new Map<string, YouStatus>(),
    ]);
    // A socket that left while the state was read is simply not in its room any more.
    const ids = sockets.filter((s) => s.connected).map((s) => s.id);
    if (ids.length === 0) return;
    // `you` comes last in the snapshot's order, so the common part can go first to everyone.
    for (const message of connectSnapshot(namespace, { ...shared, ...alike })) this.#broadcast(namespace, ids, message);
    for (const socket of sockets) {
      const you = socket.data.userId ? yous.get(socket.data.userId) : undefined;
      if (you && socket.connected) socket.emit('you', you);
    }
  }
}

/** The broadcast `ConnectSnapshots` sends with: to the sockets' own rooms, this server only. */
export function localRoomsBroadcast(namespaceOf: (name: NamespaceName) => Namespace): Sends {
  return (namespace, socketIds, message) => {
    const to = namespaceOf(namespace).local.to([...socketIds]) as unknown as {
      emit(event: string, data: unknown): boolean;
    };
    to.emit(message.event, message.data);
  };
}
