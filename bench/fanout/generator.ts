/**
 * One client generator process of the fan-out bench: opens its share of socket.io-client
 * connections at a bounded rate, records when each receives every `now_playing`, and tells the
 * bench as soon as all of its clients have one event. Several of these run side by side so the
 * clients do not queue behind one event loop.
 */
import { io, type Socket } from 'socket.io-client';
import type { FromGenerator, Receipts, ToGenerator } from './protocol.js';

interface Payload {
  seq: number;
  server_time: number;
  item?: { id: string } | null;
}

const sockets: Socket[] = [];
let connected = 0;
let disconnects = 0;
let armed = false;
const receipts = new Map<string, Receipts>();
const send = (msg: FromGenerator) => process.send!(msg);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function onNowPlaying(p: Payload) {
  if (!armed) return;
  const at = Date.now();
  // Keyframes repeat the last change's seq with a new server_time: a separate broadcast.
  const key = `${p.seq}/${p.server_time}`;
  let r = receipts.get(key);
  if (!r) {
    r = { key, serverTime: p.server_time, item: p.item?.id ?? null, times: [] };
    receipts.set(key, r);
  }
  r.times.push(at);
  if (r.times.length === connected) send({ type: 'complete', ...r });
}

async function connect(url: string, count: number, perSecond: number) {
  let failed = 0;
  const reasons: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  const tick = 50;
  const perTick = Math.max(1, Math.round((perSecond * tick) / 1000));
  for (let i = 0; i < count; i += perTick) {
    const started = Date.now();
    for (let j = i; j < Math.min(count, i + perTick); j++) {
      const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60_000 });
      sockets.push(s);
      s.on('now_playing', onNowPlaying);
      pending.push(
        new Promise<void>((resolve) => {
          s.once('connect', () => {
            connected++;
            s.once('disconnect', () => {
              disconnects++;
              connected--;
            });
            resolve();
          });
          s.once('connect_error', (err: Error) => {
            failed++;
            reasons[err.message] = (reasons[err.message] ?? 0) + 1;
            resolve();
          });
        }),
      );
    }
    await sleep(Math.max(0, tick - (Date.now() - started)));
  }
  await Promise.all(pending);
  send({ type: 'connected', connected, failed, reasons });
}

process.on('message', (msg: ToGenerator) => {
  switch (msg.cmd) {
    case 'connect':
      void connect(msg.url, msg.count, msg.perSecond);
      break;
    case 'arm':
      receipts.clear();
      armed = true;
      break;
    case 'report':
      send({ type: 'report', receipts: [...receipts.values()], disconnects });
      break;
    case 'disconnect': {
      armed = false;
      // Closing is synchronous on the client; the server notices each close on its own.
      for (const s of sockets.splice(0)) {
        s.removeAllListeners('disconnect');
        s.close();
      }
      connected = 0;
      disconnects = 0;
      send({ type: 'disconnected' });
      break;
    }
  }
});
process.on('disconnect', () => process.exit(0));
