/** `npm run start:worker`: one poll worker process. Run as many as you like; they share the work. */
import { loadConfigOrExit } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { onShutdown } from '../shared/shutdown.js';
import { startPollWorker } from './poll.worker.js';

const config = loadConfigOrExit();
const log = createLogger({ level: config.logLevel, name: 'worker' });
const worker = await startPollWorker(config, log);
onShutdown(log, () => worker.close(), 30_000);
