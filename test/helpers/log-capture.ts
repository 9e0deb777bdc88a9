/** A pino destination that keeps every line, so tests can read what the product logged. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../shared/logger.js';

export interface CapturedLog {
  readonly log: Logger;
  readonly lines: string[];
  text(): string;
}

export function captureLog(level = 'debug'): CapturedLog {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger({ level }, stream), lines, text: () => lines.join('\n') };
}
