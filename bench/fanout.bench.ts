/**
 * Fan-out benchmark (`npm run bench`). One server process and one poll worker (real child
 * processes) on a private Redis, the simulated Spotify in this process, and N real socket.io
 * clients here. Track changes are driven through the simulator, so every event takes the real
 * path: poll → worker → Redis emitter → server → clients. Prints one JSON line at the end.
 *
 * BENCH_SIZES=1000,5000,10000 (default) picks the client counts.
 */
import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import type { NowPlaying } from '../shared/events.js';
import { CookieClient } from '../test/helpers/cookie-client.js';
import { loginThroughSimulator } from '../test/helpers/hub.js';
import { freePort } from '../test/helpers/ports.js';
import { startTestRedis } from '../test/helpers/redis-server.js';
import { externalHubEnv, spawnRole } from '../test/helpers/roles.js';
import { startTestSimulator } from '../test/helpers/simulator.js';

const SIZES = (process.env.BENCH_SIZES ?? '1000,5000,10000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const CHANGES_PER_SIZE = 8;
const INTERVAL = 1000;

const say = (msg: string) => process.stderr.write(`${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const redis = await startTestRedis();
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const sim = await startTestSimulator({
  clientId: 'hubclient0001',
  clientSecret: 'hub-secret-0001',
  redirectUris: [`${url}/callback`],
});
const env = externalHubEnv({
  redisUrl: redis.url,
  port,
  publicUrl: url,
  simUrl: sim.url,
  pollIntervalMs: INTERVAL,
  extra: { LOG_LEVEL: 'warn' },
});
const server = spawnRole('server', 'server/main.ts', { ...env, LOG_LEVEL: 'info' });
const worker = spawnRole('worker', 'workers/poll.main.ts', { ...env, LOG_LEVEL: 'info' });
await Promise.all([
  server.waitForLog((m) => m.msg === 'server listening'),
  worker.waitForLog((m) => m.msg === 'poll worker started'),
]);

// The driver and one waiting audience member.
await loginThroughSimulator(new CookieClient(), url, 'ada');
await loginThroughSimulator(new CookieClient(), url, 'grace');
const control = (listener: string, action: string) =>
  fetch(`${sim.url}/control/listeners/${listener}/playback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action }),
  });

interface Run {
  clients: number;
  connected: number;
  events: number;
  latency_ms: { p50: number; p99: number; max: number };
  server_rss_mb: number;
  rss_per_connection_kb: number;
}
const runs: Run[] = [];

// Warm up the server (first requests, JIT) before taking the baseline without clients.
await sleep(3000);
const baseRss = rssKb(server.child.pid!);

for (const size of SIZES) {
  say(`bench: ${size} clients`);
  const sockets: Socket[] = [];
  const latencies: number[] = [];
  let measuring = false;
  let lastSeq = 0;
  let connected = 0;
  for (let i = 0; i < size; i += 250) {
    const batch = Array.from({ length: Math.min(250, size - i) }, () => {
      const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
      sockets.push(s);
      s.on('now_playing', (p: NowPlaying) => {
        if (measuring) latencies.push(Date.now() - p.server_time);
        lastSeq = Math.max(lastSeq, p.seq);
      });
      return new Promise<void>((resolve) => {
        s.once('connect', () => {
          connected++;
          resolve();
        });
        s.once('connect_error', () => resolve());
      });
    });
    await Promise.all(batch);
  }
  await sleep(2000);
  const rss = rssKb(server.child.pid!);

  measuring = true;
  const startSeq = lastSeq;
  for (let c = 0; c < CHANGES_PER_SIZE; c++) {
    await control('ada', 'next');
    await sleep(2500);
  }
  await sleep(1500);
  measuring = false;
  latencies.sort((a, b) => a - b);
  runs.push({
    clients: size,
    connected,
    events: lastSeq - startSeq,
    latency_ms: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
    server_rss_mb: Math.round(rss / 1024),
    // Growth over the baseline without clients, per connected client.
    rss_per_connection_kb: Math.round(((rss - baseRss) / Math.max(1, connected)) * 10) / 10,
  });
  say(`bench: ${JSON.stringify(runs.at(-1))}`);
  for (const s of sockets) s.close();
  await sleep(3000);
}

// Spotify budget: calls per minute for the active user while playing and while paused, none for waiting users.
const rate = async (listener: string, ms: number) => {
  const from = Date.now();
  await sleep(ms);
  return (
    sim.state.calls.filter((c) => c.target === 'currently-playing' && c.listenerId === listener && c.at >= from)
      .length *
    (60_000 / ms)
  );
};
await control('ada', 'play');
const playing = await rate('ada', 20_000);
await control('ada', 'pause');
await sleep(3000);
const paused = await rate('ada', 30_000);
const waiting = sim.state.calls.filter((c) => c.target === 'currently-playing' && c.listenerId === 'grace').length;

await Promise.all([server.kill(), worker.kill()]);
await sim.close();
await redis.dispose();

process.stdout.write(
  `${JSON.stringify({
    runs,
    spotify_calls_per_minute: {
      playing: Math.round(playing * 10) / 10,
      paused: Math.round(paused * 10) / 10,
      waiting_user_total: waiting,
    },
    poll_interval_ms: INTERVAL,
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  })}\n`,
);
process.exit(0);
