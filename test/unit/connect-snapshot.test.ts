/**
 * The connect-time snapshot, read once for the sockets that connected together: one read per
 * batch, never older than a socket's own read would have been, the common part as one broadcast
 * and `you` per phone after it.
 */
import { Writable } from 'node:stream';
import { ConnectSnapshots, type SnapshotReads, type SnapshotSocket } from '../../server/realtime/connect-snapshot.js';
import type { Health, QueueFull, YouStatus } from '../../shared/events.js';
import { emptyNowPlaying, type NamespaceName, type SnapshotMessage } from '../../shared/hub-state/index.js';
import { createLogger } from '../../shared/logger.js';
import type { LineSnapshot } from '../../shared/queue/line.js';

const line = (version: number): LineSnapshot => ({
  now: 1000,
  waiting: [],
  active: null,
  paused: false,
  turn_seconds: 180,
  idle_seconds: 45,
  version,
});
const you: YouStatus = { state: 'waiting', position: 1, length: 1, eta_seconds: 0, reason: null };

interface Sent {
  namespace: NamespaceName;
  ids: readonly string[];
  message: SnapshotMessage;
}

function socket(id: string, userId: string | null = null) {
  const emitted: [string, unknown][] = [];
  const s: SnapshotSocket & { emitted: typeof emitted } = {
    id,
    connected: true,
    data: { userId },
    emitted,
    emit(event: 'you', data: YouStatus) {
      emitted.push([event, data]);
      return true;
    },
  };
  return s;
}

/** Reads that count themselves and answer with the number of the read as the line's version. */
function countingReads(overrides: Partial<SnapshotReads> = {}) {
  const calls = { current: 0, forNamespace: [] as NamespaceName[], yous: [] as string[][] };
  const gates: (() => void)[] = [];
  const reads: SnapshotReads = {
    async current() {
      calls.current += 1;
      const n = calls.current;
      // The test opens each read when it wants it to answer.
      await new Promise<void>((resolve) => gates.push(resolve));
      return { nowPlaying: emptyNowPlaying(1000, n), line: line(n) };
    },
    async forNamespace(namespace) {
      calls.forNamespace.push(namespace);
      return namespace === '/operator'
        ? {
            queue_full: { marker: 'full line' } as unknown as QueueFull,
            health: { marker: 'health' } as unknown as Health,
          }
        : {};
    },
    async yous(userIds) {
      calls.yous.push([...userIds]);
      return new Map(userIds.filter((id) => id !== 'not-in-line').map((id) => [id, you]));
    },
    ...overrides,
  };
  const openNextRead = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  return { reads, calls, openNextRead };
}

function setup(overrides: Partial<SnapshotReads> = {}) {
  const sent: Sent[] = [];
  const logged: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const { reads, calls, openNextRead } = countingReads(overrides);
  const snapshots = new ConnectSnapshots(
    reads,
    (namespace, ids, message) => sent.push({ namespace, ids, message }),
    createLogger({ level: 'warn', pretty: false }, sink),
  );
  return { snapshots, sent, calls, logged, openNextRead };
}

describe('ConnectSnapshots', () => {
  test('serves the sockets that connected together with one read and one broadcast per message', async () => {
    const { snapshots, sent, calls, openNextRead } = setup();
    const sockets = [socket('a'), socket('b'), socket('c')];
    for (const s of sockets) snapshots.add(s, '/');
    await openNextRead();
    await snapshots.settled();

    expect(calls.current).toBe(1);
    expect(sent.map((s) => s.message.event)).toEqual(['now_playing', 'queue']);
    for (const s of sent) expect(s.ids).toEqual(['a', 'b', 'c']);
  });

  test('a socket that connects while a read is under way waits for a read that starts after it', async () => {
    const { snapshots, sent, calls, openNextRead } = setup();
    snapshots.add(socket('early'), '/');
    // Let the first read start, then connect another socket while it is under way.
    while (calls.current === 0) await new Promise((r) => setImmediate(r));
    snapshots.add(socket('late'), '/');
    await openNextRead();
    await openNextRead();
    await snapshots.settled();

    expect(calls.current).toBe(2);
    const queueFor = (id: string) => sent.find((s) => s.message.event === 'now_playing' && s.ids.includes(id))!;
    expect((queueFor('early').message.data as { seq: number }).seq).toBe(1);
    expect((queueFor('late').message.data as { seq: number }).seq).toBe(2);
  });

  test('sends each phone in the line its own `you` after the common part, in one lookup for all', async () => {
    const { snapshots, sent, calls, openNextRead } = setup();
    const ada = socket('a1', 'ada');
    const adaAgain = socket('a2', 'ada');
    const outsider = socket('o', 'not-in-line');
    const anonymous = socket('x');
    for (const s of [ada, adaAgain, outsider, anonymous]) snapshots.add(s, '/');
    await openNextRead();
    await snapshots.settled();

    expect(calls.yous).toEqual([['ada', 'not-in-line']]);
    expect(ada.emitted).toEqual([['you', you]]);
    expect(adaAgain.emitted).toEqual([['you', you]]);
    expect(outsider.emitted).toEqual([]);
    expect(anonymous.emitted).toEqual([]);
    expect(sent).toHaveLength(2);
  });

  test('gives each namespace what it receives, asking for the operators’ parts once per batch', async () => {
    const { snapshots, sent, calls, openNextRead } = setup();
    snapshots.add(socket('op1'), '/operator');
    snapshots.add(socket('op2'), '/operator');
    snapshots.add(socket('br'), '/bridge');
    await openNextRead();
    await snapshots.settled();

    expect(calls.current).toBe(1);
    expect(calls.forNamespace.sort()).toEqual(['/bridge', '/operator']);
    const to = (ns: NamespaceName) => sent.filter((s) => s.namespace === ns);
    expect(to('/operator').map((s) => s.message.event)).toEqual(['now_playing', 'queue', 'queue_full', 'health']);
    expect(to('/operator')[0]!.ids).toEqual(['op1', 'op2']);
    expect(to('/bridge').map((s) => s.message.event)).toEqual(['now_playing', 'queue']);
  });

  test('leaves out a socket that left while the state was read', async () => {
    const { snapshots, sent, openNextRead } = setup();
    const gone = socket('gone', 'ada');
    snapshots.add(gone, '/');
    snapshots.add(socket('stays'), '/');
    gone.connected = false;
    await openNextRead();
    await snapshots.settled();

    for (const s of sent) expect(s.ids).toEqual(['stays']);
    expect(gone.emitted).toEqual([]);
  });

  test('a failed read is logged once for its batch, and the next connections are served', async () => {
    let fail = true;
    const { snapshots, sent, logged } = setup({
      async current() {
        if (fail) throw new Error('Redis is down');
        return { nowPlaying: emptyNowPlaying(1000, 7), line: line(7) };
      },
    });
    snapshots.add(socket('a'), '/');
    await snapshots.settled();
    expect(sent).toEqual([]);
    expect(logged).toEqual([
      expect.objectContaining({ msg: 'could not send the current state to new sockets', sockets: 1 }),
    ]);

    fail = false;
    snapshots.add(socket('b'), '/');
    await snapshots.settled();
    expect(sent.map((s) => s.ids)).toEqual([['b'], ['b']]);
  });
});
