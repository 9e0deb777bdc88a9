/**
 * The poll worker: a BullMQ job scheduler fires one `poll` job per POLL_INTERVAL_MS, and whichever
 * worker process takes it runs one PollCycle. With any number of workers there is still one poll
 * per interval; a dead worker's jobs go to the others. A watchdog recreates the BullMQ worker if
 * polls stop while Redis answers (BullMQ can stay silent after a full Redis restart).
 */
import { Queue, Worker, type Job } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { Emitter } from '@socket.io/redis-emitter';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { databaseOf } from '../shared/ops/redis-database.js';
import { keys } from '../shared/redis-keys.js';
import { closeRedis, connectRedis } from '../shared/redis.js';
import { tryLock } from '../shared/redis-lock.js';
import { Line } from '../shared/queue/line.js';
import { Fanout, type EmitTarget } from '../shared/realtime/fanout.js';
import { NowPlayingStore } from '../shared/realtime/now-playing-store.js';
import { AccountsClient } from '../shared/spotify/accounts-client.js';
import { TokenRefresher } from '../shared/spotify/token-refresher.js';
import { TokenStore } from '../shared/spotify/token-store.js';
import { WebApiClient } from '../shared/spotify/web-api-client.js';
import { WorkerMetrics } from '../shared/ops/worker-metrics.js';
import { PollCycle, type PollOutcome } from './poller/poll-cycle.js';
import { NowPlayingPublisher } from './poller/now-playing-publisher.js';
import { SpotifyBudget } from './poller/spotify-budget.js';

export const POLL_QUEUE = 'poll';
const SCHEDULER_ID = 'poll-active-user';

export interface PollWorkerOptions {
  /** Poll period while paused or idle; default 5 s (≤ 12 calls a minute). */
  readonly slowMs?: number;
  /** How long without any poll (while Redis answers) before the watchdog recreates the worker. */
  readonly stallMs?: number;
}

export interface RunningPollWorker {
  readonly id: string;
  /** Number of times the watchdog rebuilt the BullMQ worker. */
  readonly restarts: () => number;
  close(): Promise<void>;
}

export async function startPollWorker(config: Config, baseLog: Logger, options: PollWorkerOptions = {}): Promise<RunningPollWorker> {
  const id = randomBytes(4).toString('hex');
  const log = baseLog.child({ module: 'poll-worker', worker: id });
  const redisUrl = config.redisUrl ?? 'redis://127.0.0.1:6379';
  const intervalMs = config.pollIntervalMs;
  const slowMs = Math.max(options.slowMs ?? 5000, intervalMs);
  const stallMs = options.stallMs ?? Math.max(intervalMs * 6, 5000);

  const redis = await connectRedis({ url: redisUrl, name: `worker-${id}` }, log);
  const queueConnection = await connectRedis({ url: redisUrl, name: `worker-${id}-queue` }, log);
  const emitterClient = await connectRedis({ url: redisUrl, name: `worker-${id}-emitter` }, log);

  const line = new Line(redis, { turnSeconds: config.turnSeconds, idleSeconds: config.idleSeconds });
  const tokens = new TokenStore(redis, config.tokenEncryptionKey, log);
  const accounts = new AccountsClient(config.spotify);
  const refresher = new TokenRefresher({ redis, store: tokens, accounts, log });
  const metrics = new WorkerMetrics(redis);
  refresher.onRefresh = (result) => metrics.refresh(result);
  const store = new NowPlayingStore(redis);
  const emitter = new Emitter(emitterClient, { key: keys.socketIoChannel(databaseOf(redisUrl)) });
  const fanout = new Fanout(emitter as unknown as EmitTarget, line);
  const publisher = new NowPlayingPublisher(store, fanout);
  const budget = new SpotifyBudget(redis);
  const cycle = new PollCycle({ line, tokens, refresher, webApi: new WebApiClient(config.spotify.apiUrl), store, publisher, budget, events: fanout, metrics, log, intervalMs, slowMs });

  const queue = new Queue(POLL_QUEUE, { connection: queueConnection, prefix: keys.bullPrefix() });
  queue.on('error', (err) => log.debug({ err: { message: err.message } }, 'queue connection error'));
  await queue.upsertJobScheduler(SCHEDULER_ID, { every: intervalMs }, { name: 'poll', opts: { removeOnComplete: true, removeOnFail: 50 } });

  /** One poll at a time across the fleet, even when a scheduled and an extra job overlap. */
  async function processJob(_job: Job): Promise<PollOutcome | 'busy'> {
    const release = await tryLock(redis, keys.pollLock(), Math.max(intervalMs * 3, 1500));
    if (!release) return 'busy';
    try {
      const outcome = await cycle.run();
      lastLocalPoll = Date.now();
      await scheduleEndOfTrackPoll(outcome);
      return outcome;
    } finally {
      await release();
    }
  }

  /** An extra poll just after the predicted end of the track, so the next one shows at once. */
  async function scheduleEndOfTrackPoll(outcome: PollOutcome): Promise<void> {
    if (outcome.predictedEnd === null) return;
    const delay = outcome.predictedEnd - Date.now() + 300;
    // The scheduled tick is about as early: no extra call needed.
    if (delay <= 0 || delay > intervalMs - 200) return;
    await queue.add('poll', {}, { delay, jobId: `end-${outcome.predictedEnd}`, removeOnComplete: true, removeOnFail: true });
  }

  let lastLocalPoll = Date.now();
  let worker = createWorker();
  let restarts = 0;
  let closing = false;

  function createWorker(): Worker {
    const w = new Worker(POLL_QUEUE, processJob, {
      connection: queueConnection,
      prefix: keys.bullPrefix(),
      concurrency: 1,
      lockDuration: Math.max(intervalMs * 5, 10_000),
      stalledInterval: Math.max(intervalMs * 5, 10_000),
      maxStalledCount: 1,
    });
    w.on('error', (err) => log.debug({ err: { message: err.message } }, 'BullMQ worker error'));
    w.on('failed', (_job, err) => log.error({ err: { name: err.name, message: err.message, stack: err.stack } }, 'poll failed'));
    return w;
  }

  const watchdog = setInterval(() => {
    void (async () => {
      if (closing) return;
      try {
        const lastPoll = Number((await redis.hGet(keys.pollStatus(), 'last_poll_at')) ?? 0);
        const now = Date.now();
        if (now - Math.max(lastPoll, lastLocalPoll) < stallMs) return;
        log.warn({ sinceLastPollMs: now - lastPoll }, 'no poll for too long while Redis answers; recreating the BullMQ worker');
        restarts += 1;
        lastLocalPoll = now;
        const old = worker;
        worker = createWorker();
        await old.close(true).catch(() => undefined);
        await queue.upsertJobScheduler(SCHEDULER_ID, { every: intervalMs }, { name: 'poll', opts: { removeOnComplete: true, removeOnFail: 50 } });
      } catch {
        // Redis unreachable: nothing to repair yet; the clients reconnect by themselves.
      }
    })();
  }, Math.max(intervalMs, 1000));
  watchdog.unref();

  log.info({ intervalMs, slowMs }, 'poll worker started');
  return {
    id,
    restarts: () => restarts,
    async close() {
      closing = true;
      clearInterval(watchdog);
      // Finish the poll in hand, then stop taking jobs.
      await worker.close().catch(() => undefined);
      await queue.close().catch(() => undefined);
      await Promise.all([closeRedis(redis), closeRedis(queueConnection), closeRedis(emitterClient)]);
      log.info('poll worker stopped');
    },
  };
}

