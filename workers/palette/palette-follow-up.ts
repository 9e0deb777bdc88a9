/**
 * How the publisher uses `PaletteService` without ever delaying a track change: the change goes
 * out at once (with the palette only if it is already cached), the palette is computed beside it,
 * and a follow-up `now_playing` for the same item carries it. Later payloads for that item keep it.
 */
import type { NowPlaying, NowPlayingItem, Palette } from '../../shared/events.js';
import { largestImageUrl, type PaletteService } from './palette-service.js';

/** Same item, same cover: the palette computed for `last` still holds for `next`. */
export function sameArt(a: NowPlayingItem | null | undefined, b: NowPlayingItem | null | undefined): boolean {
  return !!a && !!b && a.id === b.id && a.name === b.name && largestImageUrl(a) === largestImageUrl(b);
}

/**
 * A draft with the palette of the last payload carried over when the art did not change (Spotify's
 * JSON never has one, so every poll's draft starts without it).
 */
export function carryPalette<T extends { item: NowPlayingItem | null }>(
  last: Pick<NowPlaying, 'item'> | null,
  draft: T,
): T {
  if (!draft.item || draft.item.palette || !last?.item?.palette || !sameArt(last.item, draft.item)) return draft;
  return { ...draft, item: { ...draft.item, palette: last.item.palette } };
}

export interface FollowUpHooks {
  /** The payload published last, read when the palette is ready (the track may have moved on). */
  current(): Promise<NowPlaying>;
  /** Publishes the follow-up (the publisher gives it the next `seq`, stores and emits it). */
  publish(palette: Palette, current: NowPlaying): Promise<void>;
}

/**
 * Call without awaiting right after a change went out whose item has no palette. Computes it,
 * and if the same item is still current and still without a palette, publishes the follow-up.
 * Resolves to whether it published; never rejects.
 */
export async function followUpWithPalette(
  palettes: PaletteService,
  sent: NowPlaying,
  hooks: FollowUpHooks,
): Promise<boolean> {
  if (!sent.item || sent.item.palette) return false;
  try {
    const palette = await palettes.forItem(sent.item);
    if (!palette) return false;
    const current = await hooks.current();
    if (!sameArt(current.item, sent.item) || current.item?.palette) return false;
    await hooks.publish(palette, current);
    return true;
  } catch {
    // A failed follow-up only means no colours for this track; the show goes on.
    return false;
  }
}
