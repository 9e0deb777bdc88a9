/**
 * Fetches one album image, bounded: a deadline for the whole exchange (headers and body), a size
 * cap enforced while streaming (a lying or missing Content-Length cannot get past it), an image
 * content type, and redirects followed only to URLs the policy allows.
 */
import { isAllowedArtUrl, type ArtUrlPolicy } from './art-url-policy.js';
import { PaletteError } from './palette-error.js';

export interface ArtFetchLimits {
  /** The whole fetch, body included. */
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
}

export const DEFAULT_ART_FETCH_LIMITS: ArtFetchLimits = { timeoutMs: 5000, maxBytes: 4 * 1024 * 1024, maxRedirects: 2 };

export async function fetchArt(
  url: string,
  policy: ArtUrlPolicy,
  limits: ArtFetchLimits = DEFAULT_ART_FETCH_LIMITS,
): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    let current = url;
    for (let hop = 0; ; hop++) {
      if (!isAllowedArtUrl(current, policy))
        throw new PaletteError(
          'url_not_allowed',
          hop === 0 ? 'the art URL is not on an allowed host' : 'the art URL redirects to a host that is not allowed',
        );
      const res = await fetch(current, { redirect: 'manual', signal, headers: { accept: 'image/*' } });
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        const location = res.headers.get('location');
        if (!location || hop >= limits.maxRedirects)
          throw new PaletteError('fetch_failed', `the art URL redirects ${location ? 'too often' : 'nowhere'}`);
        current = new URL(location, current).href;
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new PaletteError('fetch_failed', `the art host answered ${res.status}`);
      }
      const type = res.headers.get('content-type') ?? '';
      if (!type.toLowerCase().startsWith('image/')) {
        await res.body?.cancel();
        throw new PaletteError(
          'not_an_image',
          `the art URL is not an image (${type.split(';')[0] || 'no content type'})`,
        );
      }
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (declared > limits.maxBytes) {
        await res.body?.cancel();
        throw new PaletteError('too_large', `the art is larger than ${limits.maxBytes} bytes`);
      }
      return await readCapped(res, limits.maxBytes);
    }
  } catch (err) {
    if (err instanceof PaletteError) throw err;
    if (signal.aborted)
      throw new PaletteError('timeout', `the art took longer than ${limits.timeoutMs} ms`, { cause: err });
    throw new PaletteError('fetch_failed', `the art could not be fetched: ${(err as Error).message}`, { cause: err });
  }
}

async function readCapped(res: Response, maxBytes: number): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new PaletteError('too_large', `the art is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
