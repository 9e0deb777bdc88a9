/**
 * OSC over UDP for TouchDesigner (PROTOCOL.md addresses). Progress is interpolated locally and
 * sent at `rateHz`; metadata goes out on every change and once a second, because UDP may drop.
 * Numbers for the OSC In CHOP (i, f); strings for the OSC In DAT. Colours of the album art go out
 * as `/np/color/<swatch>` with three floats each, on change and once a second.
 */
import osc, { type OscArgument, type UDPPort } from 'osc';
import { PALETTE_SWATCHES, type NowPlaying } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';

export const NUMERIC_ADDRESSES = [
  '/np/playing',
  '/np/progress',
  '/np/position',
  '/np/duration',
  '/np/changed',
  '/np/queue',
] as const;
export const STRING_ADDRESSES = ['/np/track', '/np/artist', '/np/album', '/np/art', '/np/id', '/np/user'] as const;
/** `/np/color/<swatch>` with three floats (r, g, b in 0..1), one per palette swatch. */
export const COLOR_ADDRESSES = PALETTE_SWATCHES.map((swatch) => `/np/color/${swatch}` as const);

/** "#rrggbb" → [r, g, b] in 0..1; null for anything else. */
export function hexToUnitRgb(hex: string | null | undefined): [number, number, number] | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? '');
  if (!m) return null;
  return [parseInt(m[1]!, 16) / 255, parseInt(m[2]!, 16) / 255, parseInt(m[3]!, 16) / 255];
}

export interface BridgeView {
  /** The latest now_playing, or null before the first. */
  nowPlaying(): NowPlaying | null;
  queueLength(): number;
  /** Interpolated progress in ms at this instant (hub clock). */
  progressMs(): number;
}

export class OscOutput {
  readonly #port: UDPPort;
  readonly #view: BridgeView;
  readonly #rateHz: number;
  readonly #log: Logger;
  #frameTimer: NodeJS.Timeout | null = null;
  #metaTimer: NodeJS.Timeout | null = null;
  #lastItemKey: string | null = null;
  #changedPending = false;
  #errorLogged = false;

  constructor(options: { host: string; port: number; rateHz: number; view: BridgeView; log: Logger }) {
    this.#view = options.view;
    this.#rateHz = options.rateHz;
    this.#log = options.log;
    this.#port = new osc.UDPPort({
      localAddress: '0.0.0.0',
      localPort: 0,
      remoteAddress: options.host,
      remotePort: options.port,
      metadata: true,
    });
    this.#port.on('error', (err: Error) => {
      // A closed TouchDesigner answers ICMP unreachable; keep sending, say it once.
      if (!this.#errorLogged)
        this.#log.warn({ err: { message: err.message } }, 'OSC send error (is anything listening?)');
      this.#errorLogged = true;
    });
  }

  start(): Promise<void> {
    return new Promise((resolve) => {
      this.#port.once('ready', () => {
        this.#frameTimer = setInterval(() => this.#frame(), 1000 / this.#rateHz);
        this.#metaTimer = setInterval(() => this.sendMetadata(), 1000);
        resolve();
      });
      this.#port.open();
    });
  }

  #send(address: string, type: 'i' | 'f' | 's', value: number | string): void {
    this.#sendArgs(address, [{ type, value }]);
  }

  #sendArgs(address: string, args: OscArgument[]): void {
    try {
      this.#port.send({ address, args });
    } catch (err) {
      if (!this.#errorLogged) this.#log.warn({ err: { message: (err as Error).message } }, 'OSC send failed');
      this.#errorLogged = true;
    }
  }

  #frame(): void {
    const p = this.#view.nowPlaying();
    // Before the first now_playing nothing is known: TouchDesigner keeps its own defaults rather
    // than a flash of empty strings and zeros.
    if (!p) return;
    const duration = p?.item?.duration_ms ?? 0;
    const progress = p?.item ? this.#view.progressMs() : 0;
    this.#send('/np/progress', 'f', duration > 0 ? Math.min(1, progress / duration) : 0);
    this.#send('/np/position', 'f', progress / 1000);
    if (this.#changedPending) {
      // `/np/changed` is a pulse: 1 with the new item's metadata, back to 0 on the next frame, and
      // nothing in between, so a Trigger CHOP sees exactly one rising edge per new item.
      this.#changedPending = false;
      this.#send('/np/changed', 'i', 0);
    }
  }

  /** Called on every event: marks a new item, then sends all metadata at once. */
  update(): void {
    const p = this.#view.nowPlaying();
    const key = p?.item ? `${p.item.id ?? ''}|${p.item.name}|${p.user?.display_name ?? ''}` : null;
    if (key !== null && key !== this.#lastItemKey) {
      this.#lastItemKey = key;
      this.#send('/np/changed', 'i', 1);
      this.#changedPending = true;
    } else if (key === null) {
      this.#lastItemKey = null;
    }
    this.sendMetadata();
  }

  sendMetadata(): void {
    const p = this.#view.nowPlaying();
    if (!p) return;
    const item = p.item;
    this.#send('/np/playing', 'i', p?.is_playing ? 1 : 0);
    this.#send('/np/duration', 'f', (item?.duration_ms ?? 0) / 1000);
    this.#send('/np/track', 's', item?.name ?? '');
    this.#send('/np/artist', 's', item ? item.artists.map((a) => a.name).join(', ') : '');
    this.#send('/np/album', 's', item?.album.name ?? '');
    this.#send('/np/art', 's', item?.album.images[0]?.url ?? '');
    this.#send('/np/id', 's', item?.id ?? '');
    this.#send('/np/user', 's', p?.user?.display_name ?? '');
    this.#send('/np/queue', 'i', this.#view.queueLength());
    this.#sendColors();
  }

  /** A swatch that is null (or a palette not computed yet) sends nothing: the last colour holds. */
  #sendColors(): void {
    const palette = this.#view.nowPlaying()?.item?.palette;
    if (!palette) return;
    for (const swatch of PALETTE_SWATCHES) {
      const rgb = hexToUnitRgb(palette[swatch]);
      if (rgb)
        this.#sendArgs(
          `/np/color/${swatch}`,
          rgb.map((value) => ({ type: 'f' as const, value })),
        );
    }
  }

  close(): void {
    if (this.#frameTimer) clearInterval(this.#frameTimer);
    if (this.#metaTimer) clearInterval(this.#metaTimer);
    this.#port.close();
  }
}
