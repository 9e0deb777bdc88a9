/**
 * The simulator's music: a small fictional catalog (artists, albums, tracks, one podcast) with
 * stable base62 ids, rendered into Spotify's object shapes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Rgb } from './png.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A 22-character base62 id derived from a name, like Spotify's. */
export function spotifyId(seed: string): string {
  const bytes = createHash('sha256').update(seed).digest();
  let id = '';
  for (let i = 0; i < 22; i++) id += BASE62[bytes[i]! % 62];
  return id;
}

export interface Artist {
  id: string;
  name: string;
  genres: string[];
  popularity: number;
}
export interface Album {
  id: string;
  name: string;
  artistIds: string[];
  year: string;
  colors: [Rgb, Rgb];
  trackIds: string[];
}
export interface Track {
  id: string;
  name: string;
  albumId: string;
  artistIds: string[];
  durationMs: number;
  trackNumber: number;
  explicit: boolean;
}
export interface Show {
  id: string;
  name: string;
  publisher: string;
  colors: [Rgb, Rgb];
}
export interface Episode {
  id: string;
  name: string;
  showId: string;
  durationMs: number;
  releaseDate: string;
  description: string;
}

const rgb = z.tuple([
  z.number().int().min(0).max(255),
  z.number().int().min(0).max(255),
  z.number().int().min(0).max(255),
]);
const named = z.tuple([z.string().min(1), z.number().int().positive()]);

/** The catalog's content lives in catalog-data.json (data, not code); its shape is checked on load. */
const catalogData = z.object({
  artists: z.array(z.object({ name: z.string(), genres: z.array(z.string()) })),
  albums: z.array(
    z.object({
      name: z.string(),
      /** Index into `artists`. */
      artist: z.number().int().min(0),
      year: z.string(),
      colors: z.tuple([rgb, rgb]),
      /** Name and duration in milliseconds. */
      tracks: z.array(named),
    }),
  ),
  show: z.object({ name: z.string(), publisher: z.string(), colors: z.tuple([rgb, rgb]), episodes: z.array(named) }),
});

const DATA = catalogData.parse(JSON.parse(readFileSync(new URL('./catalog-data.json', import.meta.url), 'utf8')));

export interface Catalog {
  artists: Map<string, Artist>;
  albums: Map<string, Album>;
  tracks: Map<string, Track>;
  shows: Map<string, Show>;
  episodes: Map<string, Episode>;
  /** Track ids in catalog order: the default playlist. */
  trackOrder: string[];
}

export function buildCatalog(): Catalog {
  const artists = new Map<string, Artist>();
  const artistIds = DATA.artists.map((a, i) => {
    const id = spotifyId(`artist:${a.name}`);
    artists.set(id, { id, name: a.name, genres: a.genres, popularity: 40 + i * 9 });
    return id;
  });
  const albums = new Map<string, Album>();
  const tracks = new Map<string, Track>();
  const trackOrder: string[] = [];
  for (const spec of DATA.albums) {
    const albumId = spotifyId(`album:${spec.name}`);
    const mainArtist = artistIds[spec.artist]!;
    const trackIds = spec.tracks.map(([name, durationMs], i) => {
      const id = spotifyId(`track:${spec.name}:${name}`);
      const featured = name.includes('feat. Mira') ? [artistIds[2]!] : [];
      tracks.set(id, {
        id,
        name,
        albumId,
        artistIds: [mainArtist, ...featured],
        durationMs,
        trackNumber: i + 1,
        explicit: false,
      });
      trackOrder.push(id);
      return id;
    });
    albums.set(albumId, {
      id: albumId,
      name: spec.name,
      artistIds: [mainArtist],
      year: spec.year,
      colors: spec.colors,
      trackIds,
    });
  }
  const shows = new Map<string, Show>();
  const episodes = new Map<string, Episode>();
  const show = DATA.show;
  const showId = spotifyId(`show:${show.name}`);
  shows.set(showId, { id: showId, name: show.name, publisher: show.publisher, colors: show.colors });
  for (const [i, [name, durationMs]] of show.episodes.entries()) {
    const id = spotifyId(`episode:${name}`);
    episodes.set(id, {
      id,
      name,
      showId,
      durationMs,
      releaseDate: `2025-0${i + 3}-14`,
      description: `Episode ${i + 1} of ${show.name}.`,
    });
  }
  return { artists, albums, tracks, shows, episodes, trackOrder };
}
