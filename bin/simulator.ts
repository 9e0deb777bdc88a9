/**
 * `npm run simulator`: the simulated Spotify on its own port (SIMULATOR_PORT, default 4001), for
 * pointing a hub at it with SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:4001/accounts and
 * SPOTIFY_API_URL=http://127.0.0.1:4001/api.
 */
import { orExit, readEnvironment } from '../shared/config/env.js';
import { createLogger } from '../shared/logger.js';
import { onShutdown } from '../shared/shutdown.js';
import { createSimulatorApp } from '../simulator/index.js';
import { loadSimulatorConfig } from '../simulator/simulator.config.js';

const config = orExit(() => loadSimulatorConfig(readEnvironment()));
const log = createLogger({ level: config.logLevel, name: 'simulator' });
const { app } = createSimulatorApp({
  clientId: config.clientId,
  clientSecret: config.clientSecret,
  redirectUris: [config.redirectUri],
  accessTokenSeconds: config.accessTokenSeconds,
  rotateRefreshTokens: config.rotateRefreshTokens,
});
const server = app.listen(config.port, config.host, () => {
  log.info(
    { port: config.port, clientId: config.clientId, redirectUri: config.redirectUri },
    `Spotify simulator listening: accounts at /accounts, Web API at /api, control at /control`,
  );
});
onShutdown(log, () => new Promise((resolve) => server.close(() => resolve())));
