/**
 * Publishes `now_playing` when the hub-state rules (shared/hub-state/visible-change.ts) say a viewer
 * would see a difference or a keyframe is due. The draft is built against the state just read and
 * published only if that state is still current (optimistic concurrency, checked by the publish
 * script), so a late worker can never republish the past. A draft also names the line version it
 * was built on: one built on a line that has changed since is refused, so a poll that read the line
 * just before an operator's pause or skip cannot undo it.
 */
import type { NowPlayingItem, Palette } from '../../shared/events.js';
import {
  advance,
  publishKind,
  type NowPlaying,
  type NowPlayingDraft,
  type ObservationStamp,
  type PublishKind,
} from '../../shared/hub-state/index.js';
import { carryPalette, sameArt } from '../palette/palette-follow-up.js';
import type { NowPlayingStore, PublishedState } from '../../shared/realtime/now-playing-store.js';

/** What `offer` reports publishing (callers such as the poll cycle log it). */
export type { PublishKind };

const MAX_ATTEMPTS = 5;

/** What the caller wants published, built from the freshest published state. */
export interface Proposal {
  draft: NowPlayingDraft;
  driver: string;
  turn: string;
  /** The observation the draft shows, if it shows a fresh one. */
  stamp: ObservationStamp | null;
  /** The line version (LineSnapshot.version) the draft was built on; absent: no line read. */
  lineVersion?: number;
}

/**
 * Builds a proposal against the published state. `lineMoved`: the previous attempt was built on
 * a line that has changed since; read it again or answer null to publish nothing.
 */
export type Propose = (published: PublishedState, lineMoved: boolean) => Proposal | null | Promise<Proposal | null>;

export type Broadcast = (payload: NowPlaying) => readonly (readonly [string, Buffer])[];

/** Where the publisher gets album-art colours (workers/palette/palette-service.ts). */
export interface PaletteSource {
  /** A palette already known for the item's art: one cache read, never a fetch. */
  cachedForItem(item: NowPlayingItem): Promise<Palette | null>;
  /** Computes the palette (fetch and decode, bounded); null when it cannot be had. */
  forItem(item: NowPlayingItem): Promise<Palette | null>;
}

export class NowPlayingPublisher {
  readonly #store: NowPlayingStore;
  readonly #broadcast: Broadcast;
  readonly #palettes: PaletteSource | null;
  readonly #now: () => number;

  constructor(
    store: NowPlayingStore,
    broadcast: Broadcast,
    palettes: PaletteSource | null = null,
    now: () => number = Date.now,
  ) {
    this.#store = store;
    this.#broadcast = broadcast;
    this.#palettes = palettes;
    this.#now = now;
  }

  /**
   * The draft with the colours it may carry: those of the published payload when the art did not
   * change (Spotify's answer never has them), or a cached palette for new art.
   */
  async #withPalette(published: PublishedState, draft: NowPlayingDraft): Promise<NowPlayingDraft> {
    const carried = carryPalette(published.payload, draft);
    if (!this.#palettes || !carried.item || carried.item.palette || sameArt(published.payload.item, carried.item))
      return carried;
    const cached = await this.#palettes.cachedForItem(carried.item).catch(() => null);
    return cached ? { ...carried, item: { ...carried.item, palette: cached } } : carried;
  }

  /**
   * After a track change went out without colours: compute them beside it (never delaying it) and
   * publish a follow-up for the same item, if it is still the one playing. Never rejects.
   */
  #followUpWithPalette(sent: NowPlaying): void {
    const palettes = this.#palettes;
    const item = sent.item;
    if (!palettes || !item || item.palette) return;
    void (async () => {
      const palette = await palettes.forItem(item).catch(() => null);
      if (!palette) return;
      await this.offer((published) => {
        // The follow-up carries the published state forward: no line read, so no line version.
        const { seq: _seq, ...current } = published.payload;
        const still = sameArt(current.item, item) && !current.item?.palette;
        const now = this.#now();
        const draft: NowPlayingDraft =
          still && current.item ? { ...advance(published.payload, now), item: { ...current.item, palette } } : current;
        return { draft, driver: published.driver, turn: published.turn, stamp: null };
      });
    })().catch(() => undefined);
  }

  /**
   * Reads the published state, lets `propose` build a draft against it and publishes it if it is
   * visible (or a keyframe is due, unless `changesOnly`). A conflict (someone published meanwhile),
   * a stale observation or a line that moved on means: read again and rebuild.
   */
  async offer(
    propose: Propose,
    options: { changesOnly?: boolean } = {},
  ): Promise<{ kind: PublishKind; payload: NowPlaying } | null> {
    let lineMoved = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const published = await this.#store.read();
      const proposed = await propose(published, lineMoved);
      if (!proposed) return null;
      const p = { ...proposed, draft: await this.#withPalette(published, proposed.draft) };
      const due = publishKind(published.payload, p.draft);
      const kind = options.changesOnly && due !== 'change' ? null : due;
      const payload: NowPlaying | null = kind
        ? { seq: kind === 'change' ? published.seq + 1 : published.seq, ...p.draft }
        : null;
      // Nothing to show: still record a fresh observation as seen, so an older answer arriving
      // later cannot win against it.
      if (!payload && !(p.stamp && p.driver === published.driver && p.turn === published.turn)) return null;
      const result = await this.#store.publish({
        expectedVersion: published.version,
        payload,
        driver: p.driver,
        turn: p.turn,
        stamp: p.stamp,
        lineVersion: p.lineVersion ?? null,
        messages: payload ? this.#broadcast(payload) : [],
      });
      if (result === 'ok') {
        if (kind === 'change' && payload) this.#followUpWithPalette(payload);
        return kind && payload ? { kind, payload } : null;
      }
      lineMoved = result === 'line-moved';
    }
    return null;
  }
}
