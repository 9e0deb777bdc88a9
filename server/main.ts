/** `npm run start:server`: the HTTP + Socket.IO server alone, for production and multi-instance runs. */
import { loadServerConfigOrExit } from '../shared/config/server.config.js';
import { createLogger } from '../shared/logger.js';
import { guardProcess } from '../shared/process-guard.js';
import { onShutdown } from '../shared/shutdown.js';
import { startServer, type RunningServer } from './index.js';

const config = loadServerConfigOrExit();
const log = createLogger({ level: config.logLevel, name: 'server' });
guardProcess(log);
if (config.demoMode)
  log.warn('DEMO MODE: SPOTIFY_CLIENT_ID is unset, so the embedded Spotify simulator at /sim stands in for Spotify');
// Installed before start-up completes, so a SIGTERM at any moment exits cleanly.
let server: RunningServer | null = null;
onShutdown(log, async () => server?.close());
server = await startServer(config, log);
