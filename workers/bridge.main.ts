/**
 * `npm run start:bridge [-- --record FILE]`: runs on the TouchDesigner machine. Reads only the
 * bridge's own settings (shared/config/bridge.config.ts): HUB_URL and BRIDGE_TOKEN, plus
 * OSC_TARGET, BRIDGE_WS_PORT, OSC_RATE_HZ and LOG_LEVEL. Writes nothing but the recording asked for.
 */
import { loadBridgeConfig } from '../shared/config/bridge.config.js';
import { orExit, readEnvironment } from '../shared/config/env.js';
import { createLogger } from '../shared/logger.js';
import { onShutdown } from '../shared/shutdown.js';
import { startBridge, type RunningBridge } from './bridge/bridge.js';

const config = orExit(() => loadBridgeConfig(readEnvironment(), process.argv.slice(2)));
const log = createLogger({ level: config.logLevel, name: 'bridge' });
if (config.tokenSource === 'demo-secrets')
  log.info('BRIDGE_TOKEN unset: using the demo hub’s token from .data/demo-secrets.json');
// Installed before start-up completes, so a SIGTERM at any moment exits cleanly.
let running: RunningBridge | null = null;
onShutdown(log, async () => running?.close());
let bridge: RunningBridge;
try {
  bridge = await startBridge({
    hubUrl: config.hubUrl,
    token: config.bridgeToken,
    oscHost: config.oscHost,
    oscPort: config.oscPort,
    oscRateHz: config.oscRateHz,
    wsPort: config.wsPort,
    recordFile: config.recordFile,
    log,
  });
} catch (err) {
  // A taken WebSocket port or an unwritable recording file: say which, in one line.
  log.fatal({ err: { message: (err as Error).message } }, 'the bridge could not start');
  process.exit(1);
}
log.info(
  {
    hub: config.hubUrl,
    osc: `${config.oscHost}:${config.oscPort}`,
    oscRateHz: config.oscRateHz,
    wsPort: bridge.wsPort,
  },
  'bridge running',
);
running = bridge;
void bridge.fatal.then(async () => {
  await bridge.close();
  process.exit(2);
});
