/**
 * `npm run start:bridge`: runs on the TouchDesigner machine. Needs HUB_URL and BRIDGE_TOKEN; sends
 * OSC to OSC_TARGET and serves a WebSocket on BRIDGE_WS_PORT.
 */
import { loadConfigOrExit } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { onShutdown } from '../shared/shutdown.js';
import { startBridge, type RunningBridge } from './bridge/bridge.js';

const config = loadConfigOrExit();
const log = createLogger({ level: config.logLevel, name: 'bridge' });
// Installed before start-up completes, so a SIGTERM at any moment exits cleanly.
let running: RunningBridge | null = null;
onShutdown(log, async () => running?.close());
const bridge = await startBridge({
  hubUrl: config.bridge.hubUrl,
  token: config.bridgeToken,
  oscHost: config.bridge.oscHost,
  oscPort: config.bridge.oscPort,
  oscRateHz: config.bridge.oscRateHz,
  wsPort: config.bridge.wsPort,
  log,
});
log.info({ hub: config.bridge.hubUrl, osc: `${config.bridge.oscHost}:${config.bridge.oscPort}`, oscRateHz: config.bridge.oscRateHz, wsPort: bridge.wsPort }, 'bridge running');
running = bridge;
void bridge.fatal.then(async () => {
  await bridge.close();
  process.exit(2);
});
