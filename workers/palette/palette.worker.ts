/**
 * The palette worker thread: decodes album art and picks its swatches off the hub's event loop.
 * Messages in: `{ id, image }`; out: `{ id, palette }` or `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';
import { z } from 'zod';
import { computePalette } from './palette-compute.js';

const request = z.object({ id: z.number(), image: z.instanceof(Uint8Array) });

if (!parentPort) throw new Error('palette.worker.ts runs as a worker thread');
const port = parentPort;
port.on('message', (raw: unknown) => {
  const parsed = request.safeParse(raw);
  if (!parsed.success) return;
  const { id, image } = parsed.data;
  computePalette(image).then(
    (palette) => port.postMessage({ id, palette }),
    (err: unknown) => port.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
  );
});
