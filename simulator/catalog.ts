/**
 * The simulator's music: a small fictional catalog (artists, albums, tracks, one podcast) with
 * stable base62 ids, rendered into Spotify's object shapes.
 */
import { createHash } from 'node:crypto';
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

const ARTIST_SPECS = [
  { name: 'Lumen Drift', genres: ['ambient', 'downtempo'] },
  { name: 'The Static Gardens', genres: ['indie rock'] },
  { name: 'Mira Okonkwo', genres: ['neo soul', 'r&b'] },
  { name: 'Kilohertz Club', genres: ['house', 'electronica'] },
];

const ALBUM_SPECS: { name: string; artist: number; year: string; colors: [Rgb, Rgb]; tracks: [string, number][] }[] = [
  {
    name: 'Night Bus Sketches',
    artist: 0,
    year: '2023',
    colors: [
      [32, 28, 92],
      [240, 120, 96],
    ],
    tracks: [
      ['Sodium Lights', 214_000],
      ['Tidal Lock', 187_500],
      ['Last Stop, Harbour', 246_200],
    ],
  },
  {
    name: 'Paper Satellites',
    artist: 1,
    year: '2021',
    colors: [
      [18, 110, 90],
      [250, 220, 120],
    ],
    tracks: [
      ['Orbit Song', 198_300],
      ['Hello From The Roof', 231_000],
      ['Tin Can Telephone', 176_400],
    ],
  },
  {
    name: 'Honey & Voltage',
    artist: 2,
    year: '2024',
    colors: [
      [120, 30, 60],
      [255, 190, 80],
    ],
    tracks: [
      ['Slow Bloom', 225_700],
      ['Copper Wire', 201_900],
      ['Sunday Static', 258_100],
    ],
  },
  {
    name: 'Warehouse Weather',
    artist: 3,
    year: '2022',
    colors: [
      [10, 10, 30],
      [60, 220, 240],
    ],
    tracks: [
      ['Fog Machine Forecast', 312_000],
      ['Strobe Season', 284_600],
      ['4AM Barometer', 296_300],
    ],
  },
  {
    name: 'Common Frequencies',
    artist: 0,
    year: '2025',
    colors: [
      [200, 60, 160],
      [40, 40, 120],
    ],
    tracks: [
      ['Carrier Wave', 205_400],
      ['Shared Antenna (feat. Mira Okonkwo)', 219_800],
      ['Sideband', 190_100],
    ],
  },
];

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
  const artistIds = ARTIST_SPECS.map((a, i) => {
    const id = spotifyId(`artist:${a.name}`);
    artists.set(id, { id, name: a.name, genres: a.genres, popularity: 40 + i * 9 });
    return id;
  });
  const albums = new Map<string, Album>();
  const tracks = new Map<string, Track>();
  const trackOrder: string[] = [];
  for (const spec of ALBUM_SPECS) {
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
  const showId = spotifyId('show:Signal Path');
  shows.set(showId, {
    id: showId,
    name: 'Signal Path',
    publisher: 'Venue Radio Collective',
    colors: [
      [250, 250, 250],
      [230, 80, 40],
    ],
  });
  for (const [i, [name, durationMs]] of (
    [
      ['Building a Light Organ', 1_520_000],
      ['Why Bass Feels Physical', 1_312_000],
    ] as const
  ).entries()) {
    const id = spotifyId(`episode:${name}`);
    episodes.set(id, {
      id,
      name,
      showId,
      durationMs,
      releaseDate: `2025-0${i + 3}-14`,
      description: `Episode ${i + 1} of Signal Path.`,
    });
  }
  return { artists, albums, tracks, shows, episodes, trackOrder };
}

/** Renders catalog entries as Spotify objects; `base` is the simulator's public root URL. */
export class CatalogRenderer {
  constructor(
    readonly catalog: Catalog,
    readonly base: string,
    readonly apiBase: string,
  ) {}

  images(ownerId: string): { url: string; width: number; height: number }[] {
    return [640, 300, 64].map((size) => ({
      url: `${this.base}/images/${ownerId}/${size}.png`,
      width: size,
      height: size,
    }));
  }

  simplifiedArtist(id: string) {
    const a = this.catalog.artists.get(id)!;
    return {
      external_urls: { spotify: `https://open.spotify.com/artist/${id}` },
      href: `${this.apiBase}/v1/artists/${id}`,
      id,
      name: a.name,
      type: 'artist',
      uri: `spotify:artist:${id}`,
    };
  }

  artist(id: string) {
    const a = this.catalog.artists.get(id)!;
    return {
      ...this.simplifiedArtist(id),
      followers: { href: null, total: 1200 * a.popularity },
      genres: a.genres,
      images: this.images(id),
      popularity: a.popularity,
    };
  }

  simplifiedAlbum(id: string) {
    const al = this.catalog.albums.get(id)!;
    return {
      album_type: 'album',
      total_tracks: al.trackIds.length,
      available_markets: ['DE', 'GB', 'US'],
      external_urls: { spotify: `https://open.spotify.com/album/${id}` },
      href: `${this.apiBase}/v1/albums/${id}`,
      id,
      images: this.images(id),
      name: al.name,
      release_date: al.year,
      release_date_precision: 'year',
      type: 'album',
      uri: `spotify:album:${id}`,
      artists: al.artistIds.map((a) => this.simplifiedArtist(a)),
    };
  }

  album(id: string) {
    const al = this.catalog.albums.get(id)!;
    return {
      ...this.simplifiedAlbum(id),
      tracks: this.paging(
        `${this.apiBase}/v1/albums/${id}/tracks`,
        al.trackIds.map((t) => this.simplifiedTrack(t)),
        0,
        50,
      ),
      copyrights: [{ text: `(P) ${al.year} Simulated Records`, type: 'P' }],
      external_ids: { upc: '00000000000' },
      genres: [],
      label: 'Simulated Records',
      popularity: 50,
    };
  }

  simplifiedTrack(id: string) {
    const t = this.catalog.tracks.get(id)!;
    return {
      artists: t.artistIds.map((a) => this.simplifiedArtist(a)),
      available_markets: ['DE', 'GB', 'US'],
      disc_number: 1,
      duration_ms: t.durationMs,
      explicit: t.explicit,
      external_urls: { spotify: `https://open.spotify.com/track/${id}` },
      href: `${this.apiBase}/v1/tracks/${id}`,
      id,
      is_local: false,
      name: t.name,
      preview_url: null,
      track_number: t.trackNumber,
      type: 'track',
      uri: `spotify:track:${id}`,
    };
  }

  track(id: string) {
    const t = this.catalog.tracks.get(id)!;
    return {
      ...this.simplifiedTrack(id),
      album: this.simplifiedAlbum(t.albumId),
      external_ids: { isrc: `XX${id.slice(0, 10).toUpperCase()}` },
      popularity: 55,
    };
  }

  show(id: string) {
    const s = this.catalog.shows.get(id)!;
    return {
      available_markets: ['DE', 'GB', 'US'],
      copyrights: [],
      description: `${s.name} — talks about sound and light.`,
      html_description: `<p>${s.name}</p>`,
      explicit: false,
      external_urls: { spotify: `https://open.spotify.com/show/${id}` },
      href: `${this.apiBase}/v1/shows/${id}`,
      id,
      images: this.images(id),
      is_externally_hosted: false,
      languages: ['en'],
      media_type: 'audio',
      name: s.name,
      publisher: s.publisher,
      type: 'show',
      uri: `spotify:show:${id}`,
      total_episodes: 2,
    };
  }

  episode(id: string) {
    const e = this.catalog.episodes.get(id)!;
    return {
      audio_preview_url: null,
      description: e.description,
      html_description: `<p>${e.description}</p>`,
      duration_ms: e.durationMs,
      explicit: false,
      external_urls: { spotify: `https://open.spotify.com/episode/${id}` },
      href: `${this.apiBase}/v1/episodes/${id}`,
      id,
      images: this.images(e.showId),
      is_externally_hosted: false,
      is_playable: true,
      languages: ['en'],
      name: e.name,
      release_date: e.releaseDate,
      release_date_precision: 'day',
      type: 'episode',
      uri: `spotify:episode:${id}`,
      show: this.show(e.showId),
    };
  }

  paging<T>(href: string, all: T[], offset: number, limit: number) {
    const items = all.slice(offset, offset + limit);
    const page = (o: number) => `${href}${href.includes('?') ? '&' : '?'}offset=${o}&limit=${limit}`;
    return {
      href: page(offset),
      items,
      limit,
      next: offset + limit < all.length ? page(offset + limit) : null,
      offset,
      previous: offset > 0 ? page(Math.max(0, offset - limit)) : null,
      total: all.length,
    };
  }
}
