/**
 * Broadcast frames written straight to the TCP socket (server/realtime/direct-frame-write.ts):
 * clients receive exactly what Socket.IO would have sent, in order, on every transport.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { useDirectFrameWrites, type DirectWriteCounts } from '../../server/realtime/direct-frame-write.js';

let http: HttpServer;
let io: Server;
let counts: DirectWriteCounts;
let url: string;
const clients: ClientSocket[] = [];

beforeEach(async () => {
  http = createServer();
  io = new Server(http, { perMessageDeflate: false });
  counts = useDirectFrameWrites(io);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await new Promise<void>((resolve) => void io.close(() => resolve()));
});

function client(transports: ('websocket' | 'polling')[], nsp = '/'): ClientSocket {
  const c = connect(url + nsp, { transports, reconnection: false, forceNew: true });
  clients.push(c);
  return c;
}

function connected(c: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('connect_error', reject);
  });
}

/** Resolves with the first `n` values of `event` once they have all arrived. */
function collect<T>(c: ClientSocket, event: string, n: number): Promise<T[]> {
  return new Promise((resolve) => {
    const got: T[] = [];
    c.on(event, (v: T) => {
      got.push(v);
      if (got.length === n) resolve(got);
    });
  });
}

const payload = { track: { name: 'Ünïcode “quotes” 🎵', artists: ['A', 'B'] }, progress_ms: 1234, is_playing: true };

test('a broadcast to WebSocket clients is written directly and arrives intact', async () => {
  const a = client(['websocket']);
  const b = client(['websocket']);
  await Promise.all([connected(a), connected(b)]);
  const received = Promise.all([collect(a, 'now_playing', 1), collect(b, 'now_playing', 1)]);
  const before = counts.direct;
  io.emit('now_playing', payload);
  expect(await received).toEqual([[payload], [payload]]);
  expect(counts.direct - before).toBe(2);
});

test('a long-polling client gets the broadcast through Engine.IO', async () => {
  const c = client(['polling']);
  await connected(c);
  const received = collect(c, 'now_playing', 1);
  const before = { ...counts };
  io.emit('now_playing', payload);
  expect(await received).toEqual([payload]);
  expect(counts.direct).toBe(before.direct);
  expect(counts.engine).toBeGreaterThan(before.engine);
});

test('broadcasts and single-socket emits in one burst arrive in the order they were sent', async () => {
  const c = client(['websocket']);
  await connected(c);
  const [serverSide] = await io.fetchSockets();
  const received = collect<number>(c, 'n', 300);
  for (let i = 0; i < 300; i++) {
    // Single-socket emits take Engine.IO's path and queue while its write is in flight; a broadcast
    // written directly past that queue would overtake them.
    if (i % 3 === 0) serverSide!.emit('n', i);
    else io.emit('n', i);
  }
  expect(await received).toEqual(Array.from({ length: 300 }, (_, i) => i));
  expect(counts.direct).toBeGreaterThan(0);
  expect(counts.engine).toBeGreaterThan(0);
});

test('a client upgrading from polling to WebSocket misses nothing and keeps the order', async () => {
  const c = client(['polling', 'websocket']);
  const received = collect<number>(c, 'n', 400);
  await connected(c);
  let i = 0;
  // Broadcast through the upgrade (before, during and after the transport switch).
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (let k = 0; k < 20 && i < 400; k++) io.emit('n', i++);
      if (i >= 400) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  expect(await received).toEqual(Array.from({ length: 400 }, (_, k) => k));
  expect(c.io.engine.transport.name).toBe('websocket');
});

test('broadcasts to a room and to other namespaces reach only their sockets', async () => {
  io.of('/operator');
  const inRoom = client(['websocket']);
  const outside = client(['websocket']);
  const other = client(['websocket'], '/operator');
  await Promise.all([connected(inRoom), connected(outside), connected(other)]);
  const [first] = (await io.fetchSockets()).filter((s) => s.id === inRoom.id);
  first!.join('room');
  const strays: string[] = [];
  outside.on('r', () => strays.push('outside'));
  other.on('r', () => strays.push('operator'));
  const inRoomGot = collect(inRoom, 'r', 1);
  const operatorGot = collect(other, 'op', 1);
  io.to('room').emit('r', 1);
  io.of('/operator').emit('op', 2);
  expect(await inRoomGot).toEqual([1]);
  expect(await operatorGot).toEqual([2]);
  // A last broadcast to everyone, received after the room's: anything stray would have come first.
  const last = Promise.all([collect(outside, 'end', 1), collect(inRoom, 'end', 1)]);
  io.emit('end');
  await last;
  expect(strays).toEqual([]);
});

test('a volatile broadcast reaches a client that keeps up', async () => {
  const c = client(['websocket']);
  await connected(c);
  const received = collect(c, 'tick', 1);
  io.volatile.emit('tick', 7);
  expect(await received).toEqual([7]);
});

test('binary payloads, which have no single pre-encoded frame, still arrive', async () => {
  const c = client(['websocket']);
  await connected(c);
  const received = collect<Buffer>(c, 'bin', 1);
  io.emit('bin', Buffer.from([1, 2, 3]));
  const [got] = await received;
  expect(Buffer.from(got!)).toEqual(Buffer.from([1, 2, 3]));
});
