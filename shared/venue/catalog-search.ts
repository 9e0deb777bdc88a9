/** Catalog search for guests: the query's canonical form and the track shape phones get. */
import { z } from 'zod';
import type { NowPlayingItem } from '../events.js';
import type { GuestPick } from './picks-store.js';

/** Development Mode refuses `limit` above 10 on /v1/search (2026). */
export const SEARCH_LIMIT = 10;

/** One cache entry per meaning: NFKC, case-folded, single spaces. */
export function normaliseQuery(q: string): string {
  return q.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

const imageSchema = z.object({ url: z.string(), width: z.number().nullish(), height: z.number().nullish() });
const trackSchema = z.object({
  uri: z.string().regex(/^spotify:track:[0-9A-Za-z]{22}$/),
  name: z.string().nullish(),
  duration_ms: z.number().nullish(),
  explicit: z.boolean().nullish(),
  artists: z.array(z.object({ name: z.string().nullish() })).nullish(),
  album: z.object({ name: z.string().nullish(), images: z.array(z.unknown()).nullish() }).nullish(),
});

/** A Spotify track object as a pick (uri, name, artists, album art, length); null if unusable. */
export function catalogTrack(raw: unknown): GuestPick | null {
  const t = trackSchema.safeParse(raw);
  if (!t.success) return null;
  const images = (t.data.album?.images ?? []).flatMap((i) => {
    const img = imageSchema.safeParse(i);
    return img.success ? [{ url: img.data.url, width: img.data.width ?? null, height: img.data.height ?? null }] : [];
  });
  return {
    uri: t.data.uri,
    name: t.data.name ?? 'Unknown track',
    artists: (t.data.artists ?? []).map((a) => ({ name: a.name ?? 'Unknown artist' })),
    album: { name: t.data.album?.name ?? '', images },
    duration_ms: Math.max(0, Math.round(t.data.duration_ms ?? 0)),
    explicit: t.data.explicit === true,
  };
}

/** A pick as the `now_playing` item it becomes once the venue plays it (shown before Spotify reports it). */
export function pickAsItem(pick: GuestPick): NowPlayingItem {
  return {
    type: 'track',
    id: pick.uri.split(':')[2] ?? null,
    uri: pick.uri,
    name: pick.name,
    artists: pick.artists.map((a) => ({ id: null, name: a.name })),
    album: { id: null, name: pick.album.name, images: pick.album.images },
    duration_ms: pick.duration_ms,
  };
}
