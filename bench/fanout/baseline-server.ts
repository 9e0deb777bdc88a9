/**
 * The fan-out bench's baseline: a plain Socket.IO server (the same socket.io package as the hub,
 * default options) that broadcasts with `io.emit` whatever payload the bench posts to /emit,
 * stamping `seq` and `server_time` just before the emit. No Redis, no sessions, no middleware.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

let seq = 0;
const http = createServer((req, res) => {
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
    const stamped = { ...payload, seq, server_time: Date.now() };
    io.emit('now_playing', stamped);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ seq }));
  });
});
const io = new Server(http);
http.listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'server listening', port: Number(process.env.PORT) })}\n`);
});
process.on('SIGTERM', () => {
  void io.close();
  process.exit(0);
});
