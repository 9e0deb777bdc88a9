/**
 * The poll worker. Any number of worker processes share one BullMQ queue: after each poll the
 * worker that ran it queues the next one for exactly when the policy says it is due (a delayed
 * job), a job scheduler ticks once per POLL_INTERVAL_MS as a safety net and to advance the turn
 * rotation, and a server's `requestPollNow` (shared/ops/poll-now.ts) has one queued at once. A Redis lock that
 * outlives the Spotify time-out (and is extended while a slow poll runs) keeps polls from
 * overlapping; fencing numbers make a late answer harmless anyway. A watchdog recreates the BullMQ
 * worker if jobs stop while Redis answers, but leaves a poll that is merely slow alone.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { WorkerConfig as Config } from '../shared/config/worker.config.js';
import type { Logger } from '../shared/logger.js';
import { databaseOf } from '../shared/ops/redis-database.js';
import { keys } from '../shared/redis-keys.js';
import { closeRedis, connectRedis } from '../shared/redis.js';
import { holdLock } from '../shared/redis-lock.js';
import { Line } from '../shared/queue/line.js';
import { Fanout, nowPlayingMessages } from '../shared/realtime/fanout.js';
import { Emitter } from '@socket.io/redis-emitter';
import { NowPlayingStore } from '../shared/realtime/now-playing-store.js';
import { AccountsClient } from '../shared/spotify/accounts-client.js';
import { SpotifyRateGate } from '../shared/spotify/rate-gate.js';
import { TokenRefresher } from '../shared/spotify/token-refresher.js';
import { TokenStore } from '../shared/spotify/token-store.js';
import { WEB_API_TIMEOUT_MS, WebApiClient } from '../shared/spotify/web-api-client.js';
import { WorkerMetrics } from '../shared/ops/worker-metrics.js';
import { POLL_QUEUE } from '../shared/ops/poll-now.js';
import { PollCycle, type PollOutcome } from './poller/poll-cycle.js';
import { listenForPollNow } from './poller/poll-now-listener.js';
import { NowPlayingPublisher } from './poller/now-playing-publisher.js';
import { PaletteService } from './palette/palette-service.js';
import { artUrlPolicyFor } from './palette/art-url-policy.js';
import { pollPolicy } from './poller/poll-policy.js';
import { SpotifyBudget } from './poller/spotify-budget.js';
import { watchdogVerdict } from './poller/watchdog.js';
import { GuestTurns } from './poller/guest-turns.js';
import { HouseMusic } from './poller/house-music.js';
import { PlayerClient } from '../shared/spotify/player-client.js';
import { PicksStore } from '../shared/venue/picks-store.js';
import { VenueStore } from '../shared/venue/venue-store.js';
import type { Closable } from '../shared/shutdown.js';

export { POLL_QUEUE } from '../shared/ops/poll-now.js';
const SCHEDULER_ID = 'poll-active-user';
/** The poll lock outlives one Spotify request by this much, and is extended while a poll runs. */
const LOCK_MARGIN_MS = 2000;
/** How long a job waits for a poll lock held by a quick tick before giving up. */
const LOCK_WAIT_MS = 250;
/** Longest possible cycle: waiting for another refresh (12 s), a refresh (8 s), two calls, slack. */
const MAX_CYCLE_MS = 12_000 + 8_000 + 2 * WEB_API_TIMEOUT_MS + 10_000;

export interface PollWorkerOptions {
  /** Poll period while nothing plays (204, no device); default max(2 s, 2 intervals). */
  readonly slowMs?: number;
  /** How long without any poll job in the fleet (while Redis answers) before the watchdog recreates the worker. */
  readonly stallMs?: number;
}

export interface RunningPollWorker extends Closable {
  readonly id: string;
  /** Number of times the watchdog rebuilt the BullMQ worker. */
  readonly restarts: () => number;
  /** Number of times the watchdog saw a slow (not stuck) poll. */
  readonly slowPolls: () => number;
}

export async function startPollWorker(
  config: Config,
  baseLog: Logger,
  options: PollWorkerOptions = {},
): Promise<RunningPollWorker> {
  const id = randomBytes(4).toString('hex');
  const log = baseLog.child({ module: 'poll-worker', worker: id });
  const redisUrl = config.redisUrl ?? 'redis://127.0.0.1:6379';
  const intervalMs = config.pollIntervalMs;
  const policy = {
    ...pollPolicy(intervalMs),
    ...(options.slowMs !== undefined ? { idleMs: Math.max(options.slowMs, intervalMs) } : {}),
  };
  const stallMs = options.stallMs ?? Math.max(intervalMs * 6, 5000);

  const redis = await connectRedis({ url: redisUrl, name: `worker-${id}` }, log);
  const queueConnection = await connectRedis({ url: redisUrl, name: `worker-${id}-queue` }, log);
  const emitterClient = await connectRedis({ url: redisUrl, name: `worker-${id}-emitter` }, log);
  // Servers ask for a poll at once on a pub/sub channel; subscribing takes a connection over.
  const pollNowSubscriber = await connectRedis({ url: redisUrl, name: `worker-${id}-poll-now` }, log);

  const line = new Line(redis, { turnSeconds: config.turnSeconds, idleSeconds: config.idleSeconds });
  const tokens = new TokenStore(redis, config.tokenEncryptionKey, log);
  // Every call this process makes honours the one app-wide 429 deadline.
  const gate = new SpotifyRateGate(redis);
  const accounts = new AccountsClient(config.spotify, { gate });
  const webApi = new WebApiClient(config.spotify.apiUrl, { gate });
  const refresher = new TokenRefresher({ redis, store: tokens, accounts, log });
  const metrics = new WorkerMetrics(redis);
  refresher.onRefresh = (result) => metrics.refresh(result);
  const store = new NowPlayingStore(redis);
  // The same channel as the servers' adapter: per Redis database, so a demo database stays apart.
  const database = databaseOf(redisUrl);
  const channel = keys.socketIoChannel(database);
  const emitter = new Emitter(emitterClient, { key: channel });
  const picks = new PicksStore(redis);
  const fanout = new Fanout(emitter, line, picks);
  // Album-art colours follow a track change in a second now_playing; decoding runs in a thread.
  const palettes = new PaletteService({ redis, log, policy: artUrlPolicyFor(config) });
  void palettes.warm().catch(() => undefined);
  const publisher = new NowPlayingPublisher(store, (payload) => nowPlayingMessages(channel, payload), palettes);
  const budget = new SpotifyBudget(redis);
  // Venue mode: guests' turns play through the venue account, refreshed like any user's tokens.
  const venue = new VenueStore(redis, tokens);
  const playerGate = {
    before: () => gate.before(),
    limited: (ms: number, reason?: string) => gate.limited(ms, reason ?? null),
  };
  const player = new PlayerClient({
    apiUrl: config.spotify.apiUrl,
    tokens: refresher,
    gate: playerGate,
    timeoutMs: webApi.timeoutMs,
  });
  const guests = new GuestTurns({
    redis,
    line,
    picks,
    venue,
    player,
    idleSeconds: () => config.idleSeconds,
    picksStarted: (userId) => fanout.you([userId]),
    log,
  });
  const house = new HouseMusic({ redis, venue, player, playlist: config.venue.fallbackPlaylist, log });
  const cycle = new PollCycle({
    line,
    tokens,
    refresher,
    webApi,
    store,
    publisher,
    budget,
    gate,
    events: fanout,
    metrics,
    log,
    policy,
    guests,
    venue,
    house,
  });

  const queue = new Queue(POLL_QUEUE, { connection: queueConnection, prefix: keys.bullPrefix() });
  queue.on('error', (err) => log.debug({ err: { message: err.message } }, 'queue connection error'));
  const upsertScheduler = () =>
    queue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: intervalMs },
      { name: 'poll', opts: { removeOnComplete: true, removeOnFail: 50 } },
    );
  await upsertScheduler();
  await listenForPollNow(pollNowSubscriber, keys.pollNowChannel(database), queue, log);

  let lastLocalJob = Date.now();
  let inFlightSince: number | null = null;

  /** One poll at a time across the fleet, whichever job (tick, due, poll-now) triggered it. */
  async function processJob(_job: Job): Promise<PollOutcome | 'busy'> {
    lastLocalJob = Date.now();
    // Liveness for every worker's watchdog: jobs are being picked up somewhere in the fleet.
    void redis.hSet(keys.pollStatus(), 'job_at', String(lastLocalJob)).catch(() => undefined);
    const takeLock = () => holdLock(redis, keys.pollLock(), webApi.timeoutMs + LOCK_MARGIN_MS, MAX_CYCLE_MS);
    let lock = await takeLock();
    // A poll is in flight (maybe waiting on Spotify): what the line changed goes out now anyway.
    if (!lock)
      await cycle
        .publishLine()
        .catch((err: unknown) => log.debug({ err: { message: (err as Error).message } }, 'publishing the line failed'));
    // A tick that holds the lock only briefly (no call due) must not make a due poll skip a turn:
    // wait a moment for it. A holder waiting on Spotify queues the next poll itself when done.
    const giveUpAt = Date.now() + LOCK_WAIT_MS;
    while (!lock && Date.now() < giveUpAt) {
      await delay(15);
      lock = await takeLock();
    }
    if (!lock) return 'busy';
    inFlightSince = Date.now();
    try {
      const outcome = await cycle.run();
      if (lock.lost())
        log.warn('the poll lock expired during a poll; fencing kept its answer from overtaking newer ones');
      await scheduleNext(outcome);
      return outcome;
    } finally {
      inFlightSince = null;
      await lock.release();
    }
  }

  /** Queues the next poll for when it is due; one job per due time, whoever queues it. */
  async function scheduleNext(outcome: PollOutcome): Promise<void> {
    if (outcome.nextPollAt === null || closing) return;
    const due = Math.ceil(outcome.nextPollAt);
    const delay = Math.max(0, due - Date.now());
    // The safety-net tick is about as early: no extra job needed.
    if (delay > intervalMs * 3) return;
    await queue.add('poll', {}, { delay, jobId: `due-${due}`, removeOnComplete: true, removeOnFail: true });
  }

  let worker = createWorker();
  let restarts = 0;
  let slowPolls = 0;
  let closing = false;

  function createWorker(): Worker {
    const w = new Worker(POLL_QUEUE, processJob, {
      connection: queueConnection,
      prefix: keys.bullPrefix(),
      // Two at once: a job that finds a poll in flight still publishes the line's change at once
      // (`publishLine`), then leaves the poll to the holder of the lock.
      concurrency: 2,
      lockDuration: Math.max(intervalMs * 5, 10_000),
      stalledInterval: Math.max(intervalMs * 5, 10_000),
      maxStalledCount: 1,
    });
    w.on('error', (err) => log.debug({ err: { message: err.message } }, 'BullMQ worker error'));
    w.on('failed', (_job, err) =>
      log.error({ err: { name: err.name, message: err.message, stack: err.stack } }, 'poll failed'),
    );
    return w;
  }

  let reportedSlow = false;
  let lastFleetSeen = Date.now();
  const watchdogEveryMs = Math.max(intervalMs, 1000);
  let lastWatch = Date.now();
  const watchdog = setInterval(() => {
    void (async () => {
      if (closing) return;
      // A tick that comes much too late means this process was starved of CPU: silence from
      // BullMQ proves nothing then, so judge again next time instead of raising a false alarm.
      const late = Date.now() - lastWatch - watchdogEveryMs;
      lastWatch = Date.now();
      if (late > stallMs / 2) return;
      try {
        const [jobAt, lastPoll] = await redis.hmGet(keys.pollStatus(), ['job_at', 'last_poll_at']);
        const now = Date.now();
        // The latest activity ever seen, so a status hash that was lost or reset is no alarm.
        lastFleetSeen = Math.max(lastFleetSeen, Number(jobAt ?? 0), Number(lastPoll ?? 0));
        const verdict = watchdogVerdict({
          now,
          inFlightSince,
          lastFleetActivity: lastFleetSeen,
          lastLocalJob,
          stallMs,
          maxCycleMs: MAX_CYCLE_MS,
        });
        if (verdict === 'slow') {
          if (!reportedSlow) {
            slowPolls += 1;
            log.info(
              { runningMs: now - (inFlightSince ?? now) },
              'a poll is slow (Spotify answers late); waiting for it',
            );
          }
          reportedSlow = true;
          return;
        }
        reportedSlow = false;
        if (verdict === 'ok') return;
        log.warn(
          { sinceLastJobMs: now - Math.max(lastFleetSeen, lastLocalJob) },
          'no poll job for too long while Redis answers; recreating the BullMQ worker',
        );
        restarts += 1;
        lastLocalJob = now;
        lastFleetSeen = now;
        inFlightSince = null;
        const old = worker;
        worker = createWorker();
        await old.close(true).catch(() => undefined);
        await upsertScheduler();
      } catch {
        // Redis unreachable: nothing to repair yet; the clients reconnect by themselves.
      }
    })();
  }, watchdogEveryMs);
  watchdog.unref();

  log.info({ intervalMs, idleMs: policy.idleMs }, 'poll worker started');
  return {
    id,
    restarts: () => restarts,
    slowPolls: () => slowPolls,
    async close() {
      closing = true;
      clearInterval(watchdog);
      // Finish the poll in hand, then stop taking jobs.
      await worker.close().catch(() => undefined);
      await queue.close().catch(() => undefined);
      await palettes.close().catch(() => undefined);
      await Promise.all([
        closeRedis(redis),
        closeRedis(queueConnection),
        closeRedis(emitterClient),
        closeRedis(pollNowSubscriber),
      ]);
      log.info('poll worker stopped');
    },
  };
}
