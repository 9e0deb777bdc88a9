/** Graceful shutdown for entry points: SIGTERM/SIGINT close everything once, then exit. */
import type { Logger } from './logger.js';

export function onShutdown(log: Logger, close: () => Promise<void>, timeoutMs = 10_000): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    force.unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err: { message: (err as Error).message } }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** What a started part of the hub (server, poll worker, bridge) hands back: closing frees all it holds. */
export interface Closable {
  close(): Promise<void>;
}
