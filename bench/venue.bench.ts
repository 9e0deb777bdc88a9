/**
 * Venue mode's pick → sound (`npm run bench`, or alone with `BENCH_ONLY=venue`): how long after a
 * guest acts the venue's player is told to play. A demo-mode hub (simulated Spotify with its venue
 * account and device) and one poll worker run in this process on a private Redis, at
 * `POLL_INTERVAL_MS` = BENCH_VENUE_INTERVAL_MS (1000). Three paths, BENCH_VENUE_RUNS (20) each:
 * - first pick: a guest drives with no picks yet and adds one (PUT /api/picks answered → `play`);
 * - next turn: the operator skips a guest, the waiting guest's picks play (skip answered → `play`);
 * - edit: a driving guest swaps a pick that has not started (PUT answered → `play` re-sent).
 * The time is the simulator's receipt of the `play`; a real Spotify Connect device adds its own
 * start-up (typically a few hundred ms) that no hub can shorten. Last line: one JSON object.
 */
import { createLogger } from '../shared/logger.js';
import { startPollWorker } from '../workers/poll.worker.js';
import { CookieClient } from '../test/helpers/cookie-client.js';
import { startTestHub } from '../test/helpers/hub.js';
import { startTestRedis } from '../test/helpers/redis-server.js';

const env = (name: string, fallback: number) => {
  const v = Number((process.env as Record<string, string | undefined>)[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const RUNS = env('BENCH_VENUE_RUNS', 20);
const INTERVAL = env('BENCH_VENUE_INTERVAL_MS', 1000);
const say = (msg: string) => process.stderr.write(`${msg}\n`);
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const summary = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), max: s.at(-1) ?? 0 };
};

const redis = await startTestRedis();
const hub = await startTestHub(redis.url, {
  env: {
    POLL_INTERVAL_MS: String(INTERVAL),
    TURN_SECONDS: '3600',
    IDLE_SECONDS: '3600',
    PICKS_PER_TURN: '3',
    TRACK_COOLDOWN_MINUTES: '0',
  },
});
const worker = await startPollWorker(hub.config, createLogger({ level: 'silent' }), { slowMs: 5000 });
const operator = new CookieClient();
await operator.request(`${hub.url}/api/operator/login`, { json: { token: 'operator-token-for-tests' } });
const tracks = hub.sim.catalog.trackOrder.map((id) => `spotify:track:${id}`);

interface Command {
  command: string;
  uris: string[] | null;
  at: number;
}
async function playOf(uris: string[], after: number, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { commands } = (await (await fetch(`${hub.url}/sim/control/player/commands`)).json()) as {
      commands: Command[];
    };
    const hit = commands.find(
      (c) => c.command === 'play' && c.at >= after && JSON.stringify(c.uris) === JSON.stringify(uris),
    );
    if (hit) return hit.at;
    if (Date.now() > deadline) throw new Error(`no play of ${uris.join(',')} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
async function guest(name: string): Promise<{ client: CookieClient; id: string }> {
  const client = new CookieClient();
  const joined = await client.request(`${hub.url}/api/guest/join`, { json: { name } });
  if (joined.status !== 201) throw new Error(`join answered ${joined.status}`);
  return { client, id: (JSON.parse(joined.body) as { user: { id: string } }).user.id };
}
const setPicks = (client: CookieClient, uris: string[]) =>
  client.request(`${hub.url}/api/picks`, { method: 'PUT', json: { uris } });
async function emptyLine(): Promise<void> {
  const full = JSON.parse((await operator.request(`${hub.url}/api/operator/queue`)).body) as {
    active: { user_id: string } | null;
    waiting: { user_id: string }[];
  };
  for (const userId of [full.active?.user_id, ...full.waiting.map((w) => w.user_id)])
    if (userId) await operator.request(`${hub.url}/api/operator/remove`, { json: { userId } });
}

const firstPick: number[] = [];
const nextTurn: number[] = [];
const edit: number[] = [];
for (let i = 0; i < RUNS; i++) {
  await emptyLine();
  const [a, b, c] = [tracks[i % tracks.length]!, tracks[(i + 1) % tracks.length]!, tracks[(i + 2) % tracks.length]!];
  // First pick: the guest drives already (empty line), then adds a track.
  const first = await guest(`First ${i}`);
  const t0 = Date.now();
  await setPicks(first.client, [a, b]);
  firstPick.push((await playOf([a, b], t0)) - t0);

  // Edit: the second pick is swapped while the first plays (give the poll a moment to see it play).
  await new Promise((r) => setTimeout(r, INTERVAL * 1.5));
  const t1 = Date.now();
  await setPicks(first.client, [a, c]);
  edit.push((await playOf([a, c], t1)) - t1);

  // Next turn: a waiting guest with picks takes over when the crew skips.
  const second = await guest(`Second ${i}`);
  await setPicks(second.client, [b]);
  const t2 = Date.now();
  await operator.request(`${hub.url}/api/operator/skip`, { method: 'POST', json: {} });
  nextTurn.push((await playOf([b], t2)) - t2);
  say(
    `run ${i + 1}/${RUNS}: first pick ${firstPick.at(-1)} ms, edit ${edit.at(-1)} ms, next turn ${nextTurn.at(-1)} ms`,
  );
}

await worker.close();
await hub.close();
await redis.dispose();
process.stdout.write(
  `${JSON.stringify({ interval_ms: INTERVAL, first_pick_to_play_ms: summary(firstPick), edit_to_play_ms: summary(edit), skip_to_next_play_ms: summary(nextTurn) })}\n`,
);
