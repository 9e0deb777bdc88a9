/**
 * `npm run simulator`: the simulated Spotify on its own port (SIMULATOR_PORT, default 4001), for
 * pointing a hub at it with SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:4001/accounts and
 * SPOTIFY_API_URL=http://127.0.0.1:4001/api.
 */
import { loadConfigOrExit } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { onShutdown } from '../shared/shutdown.js';
import { createSimulatorApp } from '../simulator/index.js';

const config = loadConfigOrExit();
const log = createLogger({ level: config.logLevel, name: 'simulator' });
const { app } = createSimulatorApp({
  clientId: config.spotify.clientId,
  clientSecret: config.spotify.clientSecret,
  redirectUris: [config.spotify.redirectUri],
  accessTokenSeconds: config.simulator.accessTokenSeconds,
  rotateRefreshTokens: config.simulator.rotateRefreshTokens,
});
const server = app.listen(config.simulator.port, config.host, () => {
  log.info(
    { port: config.simulator.port, clientId: config.spotify.clientId, redirectUri: config.spotify.redirectUri },
    `Spotify simulator listening: accounts at /accounts, Web API at /api, control at /control`,
  );
});
onShutdown(log, () => new Promise((resolve) => server.close(() => resolve())));
