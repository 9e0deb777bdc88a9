/**
 * Runs `computePalette` in one worker thread, so decoding a large image never stalls the poll
 * worker's event loop. A decode that hangs past its deadline takes the thread down with it; the
 * next request starts a fresh one. One thread is plenty: the hub decodes one cover per new track.
 */
import type { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { Palette } from '../../shared/events.js';
import { PaletteError } from './palette-error.js';
import { paletteSchema } from './palette-schema.js';
import { startTsWorker } from './ts-worker.js';

const reply = z.union([
  z.object({ id: z.number(), palette: paletteSchema }),
  z.object({ id: z.number(), error: z.string() }),
]);

/** A 1 × 1 grey PNG: enough to load sharp and the quantizer in the thread. */
const WARM_UP_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==',
  'base64',
);

interface Pending {
  resolve(p: Palette): void;
  reject(e: PaletteError): void;
  timer: NodeJS.Timeout;
}

export class PaletteDecoder {
  readonly #timeoutMs: number;
  #worker: Worker | null = null;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The running thread's id, null while none runs (it starts on the first decode). */
  get threadId(): number | null {
    return this.#worker?.threadId ?? null;
  }

  /**
   * Starts the thread and loads the image libraries now (about 2 s cold on this machine: tsx
   * compiles the thread's modules), so the first track's palette is as quick as every other one.
   */
  async warm(): Promise<void> {
    try {
      await this.decode(WARM_UP_PNG);
    } catch {
      // A failed warm-up only means the first real decode starts the thread again.
    }
  }

  decode(image: Uint8Array): Promise<Palette> {
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // A stuck decode cannot be cancelled inside the thread: replace the thread.
        this.#failAll(new PaletteError('timeout', `decoding took longer than ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      // A copy in its own ArrayBuffer is transferred: the caller's bytes may sit in Node's shared
      // Buffer pool, which must not move to another thread.
      const copy = new Uint8Array(image);
      worker.postMessage({ id, image: copy }, [copy.buffer]);
    });
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startTsWorker(new URL('./palette.worker.ts', import.meta.url));
    worker.unref();
    worker.on('message', (raw: unknown) => {
      const parsed = reply.safeParse(raw);
      if (!parsed.success) return;
      const pending = this.#pending.get(parsed.data.id);
      if (!pending) return;
      this.#pending.delete(parsed.data.id);
      clearTimeout(pending.timer);
      if ('palette' in parsed.data) pending.resolve(parsed.data.palette);
      else pending.reject(new PaletteError('decode_failed', `the art could not be decoded: ${parsed.data.error}`));
    });
    worker.on('error', (err) =>
      this.#failAll(new PaletteError('decode_failed', `the palette thread failed: ${err.message}`, { cause: err })),
    );
    worker.on('exit', () => {
      if (this.#worker === worker) this.#worker = null;
      this.#failAll(new PaletteError('decode_failed', 'the palette thread stopped'));
    });
    this.#worker = worker;
    return worker;
  }

  #failAll(err: PaletteError): void {
    const worker = this.#worker;
    this.#worker = null;
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      this.#pending.delete(id);
      p.reject(err);
    }
    void worker?.terminate();
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    this.#failAll(new PaletteError('decode_failed', 'the palette decoder is closed'));
    await worker?.terminate();
  }
}
