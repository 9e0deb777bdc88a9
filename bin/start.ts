/**
 * `npm start`: the whole hub in one process — HTTP + Socket.IO server and poll worker, plus (with
 * no SPOTIFY_CLIENT_ID) the embedded Spotify simulator and an optional demo crowd.
 */
import { loadConfig, readEnvironment, ConfigError, DATA_DIR, type Config } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { onShutdown } from '../shared/shutdown.js';
import { startDemoCrowd, type DemoCrowd } from '../shared/simulator/demo-crowd.js';
import { startServer, type RunningServer } from '../server/index.js';
import { startPollWorker, type RunningPollWorker } from '../workers/poll.worker.js';
import { findOrStartRedis } from './local-redis.js';

function configOrExit(env: Record<string, string | undefined>): Config {
  try {
    return loadConfig(env, { dataDir: DATA_DIR });
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) process.stderr.write(`config error: ${p}\n`);
      process.exit(78);
    }
    throw err;
  }
}

const env = { ...readEnvironment() };
let config = configOrExit(env);
const log = createLogger({ level: config.logLevel, name: 'hub' });

const redis = config.redisUrl ? null : await findOrStartRedis(log);
if (redis) config = configOrExit({ ...env, REDIS_URL: redis.url });

if (config.demoMode) {
  log.warn('==================================================================');
  log.warn('DEMO MODE: SPOTIFY_CLIENT_ID is unset. The embedded Spotify simulator');
  log.warn(`at ${config.publicUrl}/sim stands in for Spotify; secrets are generated`);
  log.warn(`and kept in ${DATA_DIR}/demo-secrets.json. Set SPOTIFY_CLIENT_ID for real Spotify.`);
  log.warn('==================================================================');
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

server = await startServer(config, log);
worker = await startPollWorker(config, log);
crowd = config.demoMode && config.demoCrowd > 0 && server.simulator ? startDemoCrowd(server.simulator, server.url, config.demoCrowd, log) : null;

log.info(
  { phone: `${config.publicUrl}/`, operator: `${config.publicUrl}/operator`, display: `${config.publicUrl}/display` },
  config.demoMode ? `hub ready — the operator token is in ${DATA_DIR}/demo-secrets.json` : 'hub ready',
);

