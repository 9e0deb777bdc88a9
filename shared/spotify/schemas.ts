/**
 * Spotify's JSON, parsed defensively: every field the Web API may leave null or omit is optional
 * here, whatever a given server happens to send. Shapes follow Spotify's OpenAPI description
 * (CurrentlyPlayingObject, TrackObject, EpisodeObject, PrivateUserObject).
 */
import { z } from 'zod';
import type { NowPlayingItem, WireImage } from '../events.js';

const nullableString = z.string().nullish();
const nullableNumber = z.number().nullish();

const imageSchema = z.object({ url: z.string(), width: nullableNumber, height: nullableNumber });
const imagesSchema = z
  .array(z.unknown())
  .nullish()
  .transform((list): WireImage[] =>
    (list ?? []).flatMap((raw) => {
      const img = imageSchema.safeParse(raw);
      return img.success ? [{ url: img.data.url, width: img.data.width ?? null, height: img.data.height ?? null }] : [];
    }),
  );

const artistSchema = z.object({ id: nullableString, name: z.string().nullish() });

/** What a track and an episode both carry: the fields the now-playing card is built from. */
const playableFields = {
  id: nullableString,
  uri: nullableString,
  name: z.string().nullish(),
  duration_ms: nullableNumber,
};

const trackSchema = z.object({
  type: z.literal('track'),
  ...playableFields,
  artists: z.array(artistSchema).nullish(),
  album: z.object({ id: nullableString, name: z.string().nullish(), images: imagesSchema }).nullish(),
});

const episodeSchema = z.object({
  type: z.literal('episode'),
  ...playableFields,
  images: imagesSchema,
  show: z
    .object({ id: nullableString, name: z.string().nullish(), publisher: z.string().nullish(), images: imagesSchema })
    .nullish(),
});

const itemSchema = z.discriminatedUnion('type', [trackSchema, episodeSchema]);

export const currentlyPlayingSchema = z.object({
  timestamp: nullableNumber,
  progress_ms: nullableNumber,
  is_playing: z.boolean().nullish(),
  currently_playing_type: z.string().nullish(),
  item: z.unknown().nullish(),
});

/** What the hub makes of one currently-playing answer. */
export type Playback =
  | { kind: 'nothing' }
  | { kind: 'ad' | 'unknown'; isPlaying: boolean; progressMs: number | null; changedAt: number | null }
  | { kind: 'item'; item: NowPlayingItem; isPlaying: boolean; progressMs: number | null; changedAt: number | null };

/** Maps a track or episode object to the wire shape; null for anything unrecognisable. */
export function toNowPlayingItem(raw: unknown): NowPlayingItem | null {
  const parsed = itemSchema.safeParse(raw);
  if (!parsed.success) return null;
  const it = parsed.data;
  const duration = Math.max(0, Math.round(it.duration_ms ?? 0));
  if (it.type === 'track') {
    return {
      type: 'track',
      id: it.id ?? null,
      uri: it.uri ?? null,
      name: it.name ?? 'Unknown track',
      artists: (it.artists ?? []).map((a) => ({ id: a.id ?? null, name: a.name ?? 'Unknown artist' })),
      album: { id: it.album?.id ?? null, name: it.album?.name ?? '', images: it.album?.images ?? [] },
      duration_ms: duration,
    };
  }
  const show = it.show;
  const images = it.images.length > 0 ? it.images : (show?.images ?? []);
  return {
    type: 'episode',
    id: it.id ?? null,
    uri: it.uri ?? null,
    name: it.name ?? 'Unknown episode',
    artists: show ? [{ id: show.id ?? null, name: show.publisher || show.name || 'Unknown show' }] : [],
    album: { id: show?.id ?? null, name: show?.name ?? '', images },
    duration_ms: duration,
  };
}

/** Interprets a 200 body of `/v1/me/player/currently-playing`. Never throws. */
export function parseCurrentlyPlaying(body: unknown): Playback {
  const parsed = currentlyPlayingSchema.safeParse(body);
  if (!parsed.success) return { kind: 'unknown', isPlaying: false, progressMs: null, changedAt: null };
  const cp = parsed.data;
  const isPlaying = cp.is_playing === true;
  const progressMs = typeof cp.progress_ms === 'number' && cp.progress_ms >= 0 ? Math.round(cp.progress_ms) : null;
  // When playback last changed (play, pause, skip, seek, new item), per Spotify's reference.
  const changedAt =
    typeof cp.timestamp === 'number' && Number.isFinite(cp.timestamp) && cp.timestamp > 0
      ? Math.round(cp.timestamp)
      : null;
  const type = cp.currently_playing_type;
  if (type === 'ad') return { kind: 'ad', isPlaying, progressMs, changedAt };
  if (cp.item == null) {
    // No item and not playing is "nothing"; no item while playing (a private session, a local
    // file the API hides) is something we cannot show.
    return isPlaying ? { kind: 'unknown', isPlaying, progressMs, changedAt } : { kind: 'nothing' };
  }
  const item = toNowPlayingItem(cp.item);
  if (item) return { kind: 'item', item, isPlaying, progressMs, changedAt };
  return { kind: 'unknown', isPlaying, progressMs, changedAt };
}

export const userSchema = z.object({
  id: z.string().min(1),
  display_name: z.string().nullish(),
});

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().nullish(),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).nullish(),
  scope: z.string().nullish(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().nullish() });
export const apiErrorSchema = z.object({
  error: z.object({
    status: z.number().nullish(),
    message: z.string().nullish(),
    reason: z.string().max(64).nullish(),
  }),
});
