/**
 * Change-to-screen latency and Spotify budget of the poll path (`npm run bench`, or alone with
 * `BENCH_ONLY=poll npm run bench`). One server and two poll workers (real child processes) on a
 * private Redis, the simulated Spotify in this process, and a few socket.io clients here. The
 * simulator changes the driver's playback (play an item, pause, resume, skip, seek) at random
 * phases of the poll interval; latency is from the change in the simulator to a client's receipt
 * of the `now_playing` that shows it. Then it counts currently-playing calls per minute while
 * playing, paused, idle (204), for the waiting user, and during a 429 Retry-After.
 *
 * BENCH_POLL_CHANGES (20 per kind), BENCH_POLL_CLIENTS (10), BENCH_POLL_RATE_MS (30000 per state),
 * BENCH_POLL_INTERVAL_MS (1000).
 */
import { io, type Socket } from 'socket.io-client';
import type { NowPlaying } from '../shared/events.js';
import { CookieClient, loginThroughSimulator, startStack } from '../stack/index.js';
import { prepareBuild, stackBuild } from './built.js';

const env = (name: string, fallback: number) => {
  const v = Number((process.env as Record<string, string | undefined>)[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const CHANGES = env('BENCH_POLL_CHANGES', 20);
const CLIENTS = env('BENCH_POLL_CLIENTS', 10);
const RATE_MS = env('BENCH_POLL_RATE_MS', 30_000);
const INTERVAL = env('BENCH_POLL_INTERVAL_MS', 1000);

const say = (msg: string) => process.stderr.write(`${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

await prepareBuild();
const stack = await startStack({
  ...stackBuild,
  workers: 2,
  pollIntervalMs: INTERVAL,
  env: { IDLE_SECONDS: '3600', TURN_SECONDS: '86400' },
});
const { sim } = stack;
const url = stack.urls[0]!;

await stack.login('ada');
await stack.login('grace');
const control = (body: Record<string, unknown>) => stack.control('ada', body);
const ada = () => sim.state.listeners.get('ada')!.playback;
const currentId = () => ada().playlist[ada().index]!;

interface Waiter {
  match: (p: NowPlaying) => boolean;
  since: number;
  got: Map<number, number>;
}
const waiters = new Set<Waiter>();
/**
 * Every receipt of the last few seconds: a change the hub publishes at once can reach the clients
 * before the command's HTTP answer reaches the bench, that is before its waiter exists.
 */
const recent: { idx: number; at: number; p: NowPlaying }[] = [];
const RECENT_MS = 10_000;
const sockets: Socket[] = [];
/** Who the first client last saw driving. */
let lastDriver: string | null = null;
for (let i = 0; i < CLIENTS; i++) {
  const s = io(url, { transports: ['websocket'], forceNew: true });
  const idx = i;
  s.on('now_playing', (p: NowPlaying) => {
    const at = Date.now();
    if (idx === 0) lastDriver = p.user?.display_name ?? null;
    recent.push({ idx, at, p });
    while (recent.length > 0 && recent[0]!.at < at - RECENT_MS) recent.shift();
    for (const w of waiters) if (!w.got.has(idx) && at >= w.since && w.match(p)) w.got.set(idx, at);
  });
  sockets.push(s);
  await new Promise<void>((resolve) => s.once('connect', () => resolve()));
}

/** Applies a change and answers each client's latency until it showed it. */
async function measure(change: () => Promise<(p: NowPlaying) => boolean>): Promise<number[]> {
  const t0 = Date.now();
  const match = await change();
  const w: Waiter = { match, since: t0, got: new Map() };
  for (const r of recent) if (!w.got.has(r.idx) && r.at >= t0 && match(r.p)) w.got.set(r.idx, r.at);
  waiters.add(w);
  const deadline = Date.now() + 15_000;
  while (w.got.size < CLIENTS && Date.now() < deadline) await sleep(10);
  waiters.delete(w);
  return [...w.got.values()].map((at) => at - t0);
}

const kinds = ['play', 'pause', 'resume', 'skip', 'seek'] as const;
const latencies: Record<(typeof kinds)[number], number[]> = { play: [], pause: [], resume: [], skip: [], seek: [] };
const catalogTracks = [...sim.state.catalog.tracks.keys()];
await control({ action: 'play' });
await sleep(3000);
say(`bench poll: ${CHANGES} changes of each kind, ${CLIENTS} clients, POLL_INTERVAL_MS=${INTERVAL}`);
for (let round = 0; round < CHANGES; round++) {
  for (const kind of kinds) {
    // A random phase of the poll interval, after the previous change has settled.
    await sleep(300 + Math.random() * INTERVAL);
    const got = await measure(async () => {
      switch (kind) {
        case 'play': {
          const id =
            catalogTracks[(round * 7 + 3) % catalogTracks.length] === currentId()
              ? catalogTracks[(round * 7 + 4) % catalogTracks.length]!
              : catalogTracks[(round * 7 + 3) % catalogTracks.length]!;
          await control({ action: 'item', item_id: id, progress_ms: 5000 });
          return (p) => p.item?.id === id && p.is_playing;
        }
        case 'pause':
          await control({ action: 'pause' });
          return (p) => p.state === 'paused';
        case 'resume':
          await control({ action: 'play' });
          return (p) => p.state === 'playing';
        case 'skip': {
          await control({ action: 'next' });
          const id = currentId();
          return (p) => p.item?.id === id;
        }
        case 'seek': {
          const target = 20_000 + (round % 2) * 40_000;
          const at = Date.now();
          await control({ action: 'seek', progress_ms: target });
          return (p) => p.is_playing && Math.abs(p.progress_ms - (target + (p.server_time - at))) < 1500;
        }
      }
    });
    latencies[kind].push(...got);
  }
  say(`bench poll: round ${round + 1}/${CHANGES}`);
}
const latency_ms = Object.fromEntries(
  kinds.map((k) => {
    const s = [...latencies[k]].sort((a, b) => a - b);
    return [k, { samples: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99) }];
  }),
);
const all = kinds.flatMap((k) => latencies[k]).sort((a, b) => a - b);

// Spotify calls per minute for the driver in each state, and for the waiting user.
const calls = (listener: string, from: number, to = Date.now()) =>
  sim.state.calls.filter(
    (c) => c.target === 'currently-playing' && c.listenerId === listener && c.at >= from && c.at < to,
  ).length;
const rate = async (ms: number) => {
  const from = Date.now();
  await sleep(ms);
  return Math.round(calls('ada', from) * (60_000 / ms) * 10) / 10;
};
say('bench poll: calls per minute');
await control({ action: 'play' });
await sleep(2000);
const playing = await rate(RATE_MS);
await control({ action: 'pause' });
await sleep(2000);
const paused = await rate(RATE_MS);
await control({ action: 'nothing' });
await sleep(3000);
const idle = await rate(RATE_MS);
await control({ action: 'play' });
await sleep(2000);
sim.state.faults.push({
  target: 'currently-playing',
  status: 429,
  retryAfterSeconds: 20,
  remaining: 1,
  plainText: false,
  delayMs: 0,
});
const limitedAt = Date.now();
while (!sim.state.calls.some((c) => c.status === 429 && c.at >= limitedAt)) await sleep(20);
const limited = sim.state.calls.find((c) => c.status === 429 && c.at >= limitedAt)!;
await sleep(20_000);
const duringRetryAfter = Math.round(calls('ada', limited.at + 1, limited.at + 20_000) * 3 * 10) / 10;
// The minute after the deadline: the widened interval recovering.
const afterFrom = limited.at + 20_000;
await sleep(Math.max(0, afterFrom + 60_000 - Date.now()));
const recovering = calls('ada', afterFrom, afterFrom + 60_000);
const waiting = sim.state.calls.filter((c) => c.target === 'currently-playing' && c.listenerId === 'grace').length;

// Changes the hub causes itself: an operator's pause and resume of the turn clock, and a skip to
// the next in line (a turn change). They are published at once, not at the next poll: latency is
// from sending the command to each client's receipt of the `now_playing` that shows it.
say(`bench poll: ${CHANGES} operator pauses, resumes and skips`);
await control({ action: 'play' });
const crew = new CookieClient();
await crew.request(`${url}/api/operator/login`, { json: { token: 'operator-token-for-tests' } });
/** Ada and Grace by the name screens show, so that whoever a skip took out can join again. */
const members = new Map<string, CookieClient>();
for (const [listener, shownAs] of [
  ['ada', 'Ada Lovelace'],
  ['grace', 'Grace Hopper'],
] as const) {
  const member = new CookieClient();
  await loginThroughSimulator(member, url, listener);
  members.set(shownAs, member);
}
const operator = async (command: string) => {
  const res = await crew.request(`${url}/api/operator/${command}`, { method: 'POST', json: {} });
  if (res.status !== 200) throw new Error(`operator ${command} answered ${res.status}`);
};
const hubCaused = { pause: [] as number[], resume: [] as number[], skip: [] as number[] };
for (let round = 0; round < CHANGES; round++) {
  await sleep(300 + Math.random() * INTERVAL);
  hubCaused.pause.push(
    ...(await measure(async () => {
      await operator('pause');
      return (p) => p.user !== null && p.turn_ends_at === null;
    })),
  );
  await sleep(300 + Math.random() * INTERVAL);
  hubCaused.resume.push(
    ...(await measure(async () => {
      await operator('resume');
      return (p) => p.user !== null && p.turn_ends_at !== null;
    })),
  );
  await sleep(300 + Math.random() * INTERVAL);
  const driving = lastDriver;
  hubCaused.skip.push(
    ...(await measure(async () => {
      await operator('skip');
      return (p) => p.user !== null && p.user.display_name !== driving;
    })),
  );
  // The skipped driver joins again (once per two rounds each: within the per-session join budget),
  // so the next skip has someone next in line.
  const skipped = members.get(driving ?? '');
  const joined = await skipped?.request(`${url}/api/queue/join`, { method: 'POST', json: {} });
  if (joined && joined.status !== 200) throw new Error(`joining again answered ${joined.status}`);
}
const hubCausedMs = Object.fromEntries(
  Object.entries(hubCaused).map(([k, v]) => {
    const sorted = [...v].sort((a, b) => a - b);
    return [
      k,
      {
        samples: sorted.length,
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? 0,
      },
    ];
  }),
);

for (const s of sockets) s.close();
await stack.close();

process.stdout.write(
  `${JSON.stringify({
    poll_interval_ms: INTERVAL,
    workers: 2,
    clients: CLIENTS,
    budget_ms: INTERVAL + 500,
    change_to_screen_ms: {
      ...latency_ms,
      all: { samples: all.length, p50: percentile(all, 50), p95: percentile(all, 95), p99: percentile(all, 99) },
    },
    hub_caused_to_screen_ms: hubCausedMs,
    spotify_calls_per_minute: {
      playing,
      paused,
      idle_204: idle,
      waiting_user_total: waiting,
      during_retry_after: duringRetryAfter,
      first_minute_after_retry_after: recovering,
    },
  })}\n`,
);
process.exit(0);
