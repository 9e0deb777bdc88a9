/**
 * `npm run replay -- FILE [--loop] [--speed X]`: plays a show recorded with
 * `npm run start:bridge -- --record FILE` through the bridge's own OSC and WebSocket outputs
 * (OSC_TARGET, BRIDGE_WS_PORT, OSC_RATE_HZ). No hub, Redis or Spotify needed.
 */
import { loadReplayConfig } from '../shared/config/bridge.config.js';
import { orExit, readEnvironment } from '../shared/config/env.js';
import { createLogger } from '../shared/logger.js';
import { onShutdown } from '../shared/shutdown.js';
import { BridgeOutputs } from '../workers/bridge/bridge-outputs.js';
import { readShow, ShowFileError, type ShowLine } from '../workers/bridge/show-file.js';
import { startReplay, type RunningReplay } from '../workers/bridge/show-replay.js';

const EXIT_DATA_ERROR = 65; // sysexits.h EX_DATAERR: the show file is not a show

const config = orExit(() => loadReplayConfig(readEnvironment(), process.argv.slice(2)));
const log = createLogger({ level: config.logLevel, name: 'replay' });

let lines: ShowLine[];
try {
  lines = await readShow(config.file);
} catch (err) {
  if (!(err instanceof ShowFileError)) throw err;
  process.stderr.write(`replay error: ${err.message}\n`);
  process.exit(EXIT_DATA_ERROR);
}

let outputs: BridgeOutputs | null = null;
let replay: RunningReplay | null = null;
onShutdown(log, async () => {
  replay?.stop();
  await outputs?.close();
});
try {
  outputs = await BridgeOutputs.start({
    oscHost: config.oscHost,
    oscPort: config.oscPort,
    oscRateHz: config.oscRateHz,
    wsPort: config.wsPort,
    log,
    hubNow: Date.now,
    progressRate: config.speed,
  });
} catch (err) {
  log.fatal({ err: { message: (err as Error).message } }, 'the replay could not start');
  process.exit(1);
}
replay = startReplay({ lines, target: outputs, speed: config.speed, loop: config.loop, log });
const last = lines.at(-1)!;
log.info(
  {
    file: config.file,
    events: lines.length,
    seconds: Math.round(last.t / 100) / 10,
    speed: config.speed,
    loop: config.loop,
    osc: `${config.oscHost}:${config.oscPort}`,
    wsPort: outputs.wsPort,
  },
  'replaying',
);
await replay.done;
log.info('the show is over');
await outputs.close();
process.exit(0);
