/**
 * `--record FILE`: writes every event the bridge receives as one JSON line
 * `{"t": ms since the recording began, "event", "data"}`, for `npm run replay`.
 * A full disk or a vanished folder costs the recording, never the show: the error is logged once.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Logger } from '../../shared/logger.js';
import type { ShowEvent } from './show-file.js';

export class ShowRecorder {
  readonly #stream: WriteStream;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly startedAt: number;
  #failed = false;

  private constructor(file: string, now: () => number, log: Logger) {
    this.#now = now;
    this.#log = log;
    this.startedAt = now();
    this.#stream = createWriteStream(file, { flags: 'w' });
    this.#stream.on('error', (err) => {
      if (!this.#failed)
        this.#log.error({ err: { message: err.message }, file }, 'recording failed; the bridge goes on without it');
      this.#failed = true;
    });
  }

  /** Opens (truncates) `file`; resolves once it is open, rejects if it cannot be created. */
  static open(file: string, log: Logger, now: () => number = Date.now): Promise<ShowRecorder> {
    const recorder = new ShowRecorder(file, now, log);
    return new Promise((resolve, reject) => {
      recorder.#stream.once('open', () => resolve(recorder));
      recorder.#stream.once('error', reject);
    });
  }

  record(e: ShowEvent): void {
    if (this.#failed) return;
    this.#stream.write(`${JSON.stringify({ t: this.#now() - this.startedAt, event: e.event, data: e.data })}\n`);
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#stream.closed || this.#stream.destroyed) return resolve();
      this.#stream.end(() => resolve());
    });
  }
}
