/**
 * Last-resort handlers for a long-running hub process. An error that escapes every request and
 * job handler is logged and survived, so one bad request cannot end a show; a process that keeps
 * failing this way is broken, so past a threshold it exits for its supervisor to restart it.
 */
import type { Logger } from './logger.js';

const WINDOW_MS = 60_000;
const MAX_ERRORS_PER_WINDOW = 20;

export function guardProcess(log: Logger): void {
  let windowStart = Date.now();
  let errors = 0;
  const survive = (kind: string, err: unknown) => {
    const now = Date.now();
    if (now - windowStart > WINDOW_MS) {
      windowStart = now;
      errors = 0;
    }
    errors += 1;
    const detail =
      err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { value: String(err) };
    if (errors > MAX_ERRORS_PER_WINDOW) {
      log.fatal({ err: detail, kind }, 'too many uncaught errors in a minute; exiting for a restart');
      process.exit(70);
    }
    log.error({ err: detail, kind }, 'uncaught error survived; the process keeps serving');
  };
  process.on('uncaughtException', (err) => survive('uncaughtException', err));
  process.on('unhandledRejection', (reason) => survive('unhandledRejection', reason));
}
