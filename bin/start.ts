/**
 * `npm start`: the whole hub in one process — HTTP + Socket.IO server and poll worker, plus (with
 * no SPOTIFY_CLIENT_ID) the embedded Spotify simulator and an optional demo crowd.
 */
import {
  loadConfig,
  loadStartSettings,
  readEnvironment,
  ConfigError,
  DATA_DIR,
  type Config,
} from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { joinAddressReport } from '../shared/net/join-address.js';
import { redisUrlForDisplay } from '../shared/ops/redis-database.js';
import { onShutdown } from '../shared/shutdown.js';
import { guardProcess } from '../shared/process-guard.js';
import { startDemoCrowd, type DemoCrowd } from './demo-crowd.js';
import { startServer, type RunningServer } from '../server/index.js';
import { startPollWorker, type RunningPollWorker } from '../workers/poll.worker.js';
import { findOrStartRedis, RedisUnavailableError, type LocalRedis } from './local-redis.js';
import { keepDemoApart } from './demo-redis.js';
import { reportRedisServer } from './redis-report.js';

/** Expected start-up states (bad settings, no Redis) end in one line on stderr, never a stack. */
function exitWith(lines: readonly string[], code: number): never {
  for (const l of lines) process.stderr.write(`${l}\n`);
  process.exit(code);
}

function orExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError)
      exitWith(
        err.problems.map((p) => `config error: ${p}`),
        78,
      ); // EX_CONFIG
    throw err;
  }
}

const env = { ...readEnvironment() };
let config: Config = orExit(() => loadConfig(env, { dataDir: DATA_DIR }));
const settings = orExit(() => loadStartSettings(env));
const log = createLogger({ level: config.logLevel, name: 'hub' });
guardProcess(log);

let redis: LocalRedis | null = null;
if (!config.redisUrl) {
  try {
    redis = await findOrStartRedis(settings, log);
  } catch (err) {
    if (err instanceof RedisUnavailableError) exitWith([`npm start: ${err.message}`], 69); // EX_UNAVAILABLE
    throw err;
  }
  const url = redis.origin === 'foreign' && config.demoMode ? await keepDemoApart(redis.url, log) : redis.url;
  if (redis.origin === 'foreign' && !config.demoMode)
    log.info(`REDIS_URL is unset: using the Redis at ${redisUrlForDisplay(redis.url)}`);
  config = orExit(() => loadConfig({ ...env, REDIS_URL: url }, { dataDir: DATA_DIR }));
}
await reportRedisServer(config.redisUrl ?? settings.localRedisUrl, log);

if (config.demoMode) {
  // One call, so the banner stays one block on a terminal and one record in JSON.
  log.warn(
    [
      'DEMO MODE: SPOTIFY_CLIENT_ID is unset.',
      `  The embedded Spotify simulator at ${config.publicUrl}/sim stands in for Spotify;`,
      `  secrets are generated and kept in ${DATA_DIR}/demo-secrets.json (the operator token is there).`,
      '  Set SPOTIFY_CLIENT_ID for real Spotify (README: "Using real Spotify").',
    ].join('\n'),
  );
}

// Installed before start-up completes, so a SIGTERM at any moment exits cleanly.
let server: RunningServer | null = null;
let worker: RunningPollWorker | null = null;
let crowd: DemoCrowd | null = null;
onShutdown(log, async () => {
  crowd?.stop();
  await worker?.close();
  await server?.close();
  redis?.child?.kill('SIGTERM');
});

try {
  server = await startServer(config, log);
} catch (err) {
  // Another hub or program on the port: a usual state on a laptop, said in one line.
  if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
  redis?.child?.kill('SIGTERM');
  exitWith(
    [
      `npm start: port ${config.port} on ${config.host} is already in use. Stop the program using it, or choose another port: PORT=4100 npm start`,
    ],
    69,
  );
}
worker = await startPollWorker(config, log);
crowd =
  config.demoMode && config.demoCrowd > 0 && server.simulator
    ? startDemoCrowd(server.simulator, server.url, config.demoCrowd, log)
    : null;

const address = joinAddressReport(config);
for (const w of address.warnings) log.warn({ code: w.code }, w.message);
if (address.lan_urls.length > 0) {
  log.info(
    { lan: address.lan_urls, qr: address.qr_url },
    `phones on this network reach the hub at ${address.lan_urls.join(', ')}; the display's QR code carries ${address.qr_url}`,
  );
}
log.info(
  { phone: `${config.publicUrl}/`, operator: `${config.publicUrl}/operator`, display: `${config.publicUrl}/display` },
  config.demoMode ? `hub ready — the operator token is in ${DATA_DIR}/demo-secrets.json` : 'hub ready',
);
