/**
 * The palette of an item's album art, for `now_playing.item.palette`: cached per image URL in
 * Redis (every worker shares it), computed at most once at a time per URL in this process, and
 * never an error to the caller: anything that goes wrong (a refused URL, a slow or huge image,
 * something that is not an image, Redis down) answers null and is logged once per URL.
 */
import { createHash } from 'node:crypto';
import type { NowPlayingItem, Palette } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { DEFAULT_ART_FETCH_LIMITS, fetchArt, type ArtFetchLimits } from './art-fetch.js';
import type { ArtUrlPolicy } from './art-url-policy.js';
import { PaletteDecoder } from './palette-decoder.js';
import { PaletteError } from './palette-error.js';
import { paletteSchema } from './palette-schema.js';

/** What a failed URL is cached as, so a broken cover is not fetched again on every track change. */
const NONE = 'none';

export interface PaletteServiceOptions {
  redis: RedisClient;
  log: Logger;
  /** Which art URLs may be fetched: `artUrlPolicyFor(config)`. */
  policy: ArtUrlPolicy;
  limits?: ArtFetchLimits;
  decoder?: PaletteDecoder;
  /** How long a palette stays cached; covers never change, so long. */
  ttlSeconds?: number;
  /** How long a failure stays cached before the URL is tried again. */
  failureTtlSeconds?: number;
}

/** The URL of the item's largest image, or null. */
export function largestImageUrl(item: Pick<NowPlayingItem, 'album'> | null | undefined): string | null {
  const images = item?.album.images ?? [];
  let best: { url: string; width: number | null } | null = null;
  for (const image of images) if (!best || (image.width ?? 0) > (best.width ?? 0)) best = image;
  return best?.url ?? null;
}

export class PaletteService {
  readonly #redis: RedisClient;
  readonly #log: Logger;
  readonly #policy: ArtUrlPolicy;
  readonly #limits: ArtFetchLimits;
  readonly #decoder: PaletteDecoder;
  readonly #ownsDecoder: boolean;
  readonly #ttlSeconds: number;
  readonly #failureTtlSeconds: number;
  readonly #inFlight = new Map<string, Promise<Palette | null>>();

  constructor(options: PaletteServiceOptions) {
    this.#redis = options.redis;
    this.#log = options.log.child({ module: 'palette' });
    this.#policy = options.policy;
    this.#limits = options.limits ?? DEFAULT_ART_FETCH_LIMITS;
    this.#decoder = options.decoder ?? new PaletteDecoder();
    this.#ownsDecoder = options.decoder === undefined;
    this.#ttlSeconds = options.ttlSeconds ?? 30 * 24 * 3600;
    this.#failureTtlSeconds = options.failureTtlSeconds ?? 600;
  }

  /** Starts the decoding thread ahead of the first track; call once at start-up. */
  warm(): Promise<void> {
    return this.#decoder.warm();
  }

  /**
   * The palette of the item's largest album image, computing it if needed (a fetch and a decode:
   * typically tens of milliseconds, at most the fetch timeout plus the decode deadline).
   * Null when the item has no image or the palette cannot be had.
   */
  async forItem(item: NowPlayingItem | null | undefined): Promise<Palette | null> {
    const url = largestImageUrl(item);
    return url ? this.forUrl(url) : null;
  }

  /** Only what is cached already (one Redis read, no fetch): null when not (yet) known. */
  async cachedForItem(item: NowPlayingItem | null | undefined): Promise<Palette | null> {
    const url = largestImageUrl(item);
    if (!url) return null;
    const cached = await this.#readCache(url);
    return cached === undefined || cached === NONE ? null : cached;
  }

  forUrl(url: string): Promise<Palette | null> {
    const running = this.#inFlight.get(url);
    if (running) return running;
    const work = this.#resolve(url).finally(() => this.#inFlight.delete(url));
    this.#inFlight.set(url, work);
    return work;
  }

  async #resolve(url: string): Promise<Palette | null> {
    const cached = await this.#readCache(url);
    if (cached === NONE) return null;
    if (cached) return cached;
    let palette: Palette | null = null;
    try {
      palette = await this.#decoder.decode(await fetchArt(url, this.#policy, this.#limits));
    } catch (err) {
      const e =
        err instanceof PaletteError ? err : new PaletteError('decode_failed', (err as Error).message, { cause: err });
      this.#log.warn({ code: e.code, host: hostOf(url) }, `no palette for this album art: ${e.message}`);
    }
    await this.#writeCache(url, palette);
    return palette;
  }

  async #readCache(url: string): Promise<Palette | typeof NONE | undefined> {
    try {
      const raw = await this.#redis.get(keys.palette(urlHash(url)));
      if (raw === null) return undefined;
      if (raw === NONE) return NONE;
      const parsed = paletteSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch (err) {
      this.#log.debug({ err: { message: (err as Error).message } }, 'palette cache unreadable; computing');
      return undefined;
    }
  }

  async #writeCache(url: string, palette: Palette | null): Promise<void> {
    try {
      await this.#redis.set(keys.palette(urlHash(url)), palette ? JSON.stringify(palette) : NONE, {
        EX: palette ? this.#ttlSeconds : this.#failureTtlSeconds,
      });
    } catch (err) {
      this.#log.debug({ err: { message: (err as Error).message } }, 'palette cache unwritable');
    }
  }

  async close(): Promise<void> {
    if (this.#ownsDecoder) await this.#decoder.close();
  }
}

function urlHash(url: string): string {
  return createHash('sha256').update(url).digest('hex');
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}
