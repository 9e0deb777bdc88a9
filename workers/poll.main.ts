/** `npm run start:worker`: one poll worker process. Run as many as you like; they share the work. */
import { loadWorkerConfigOrExit } from '../shared/config/worker.config.js';
import { createLogger } from '../shared/logger.js';
import { onShutdown } from '../shared/shutdown.js';
import { startPollWorker, type RunningPollWorker } from './poll.worker.js';

const config = loadWorkerConfigOrExit();
const log = createLogger({ level: config.logLevel, name: 'worker' });
// Installed before start-up completes, so a SIGTERM at any moment exits cleanly.
let worker: RunningPollWorker | null = null;
onShutdown(log, async () => worker?.close(), 30_000);
worker = await startPollWorker(config, log);
