/**
 * The fan-out bench's baseline: a plain Socket.IO server (the same socket.io package as the hub,
 * default options) that broadcasts with `io.emit` whatever payload the bench posts to /emit,
 * stamping `seq` and `server_time` just before the emit. No Redis, no sessions, no middleware.
 *
 * Like the hub (docs/protocol.md), it repeats the last payload as a keyframe 5 s after the last
 * broadcast, same `seq`, fresh `server_time`: both servers then do the same work while clients are
 * connected, and memory and CPU are compared under the same traffic, not a busy hub beside an
 * idle baseline.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { ownMemory } from './memory.js';

/** The hub's keyframe period (shared/hub-state/visible-change.ts), not imported: this stays plain. */
const KEYFRAME_MS = 5000;

let seq = 0;
let keyframe: NodeJS.Timeout | undefined;

/** Broadcasts the payload stamped now, and schedules its keyframe. */
function broadcast(payload: Record<string, unknown>): number {
  const serverTime = Date.now();
  io.emit('now_playing', { ...payload, seq, server_time: serverTime });
  clearTimeout(keyframe);
  keyframe = setTimeout(() => broadcast(payload), KEYFRAME_MS);
  return serverTime;
}

const http = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/memory') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(ownMemory()));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/emit') {
    res.statusCode = 404;
    res.end();
    return;
  }
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    const payload = JSON.parse(body) as Record<string, unknown>;
    seq += 1;
    const serverTime = broadcast(payload);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ seq, server_time: serverTime }));
  });
});
const io = new Server(http);
http.listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'server listening', port: Number(process.env.PORT) })}\n`);
});
process.on('SIGTERM', () => {
  clearTimeout(keyframe);
  void io.close();
  process.exit(0);
});
