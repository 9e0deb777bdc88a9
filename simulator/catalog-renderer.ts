/**
 * The catalog rendered into Spotify's Web API object shapes (full and simplified artists, albums,
 * tracks, shows and episodes, and paging objects), with image URLs under the simulator's root.
 */
import type { Catalog } from './catalog.js';

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

  /** The fields every Spotify object carries: its links, id, type and URI. */
  identity(type: 'artist' | 'album' | 'track' | 'show' | 'episode', id: string) {
    return {
      external_urls: { spotify: `https://open.spotify.com/${type}/${id}` },
      href: `${this.apiBase}/v1/${type}s/${id}`,
      id,
      type,
      uri: `spotify:${type}:${id}`,
    };
  }

  simplifiedArtist(id: string) {
    const a = this.catalog.artists.get(id)!;
    return {
      ...this.identity('artist', id),
      name: a.name,
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
      ...this.identity('album', id),
      images: this.images(id),
      name: al.name,
      release_date: al.year,
      release_date_precision: 'year',
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
      ...this.identity('track', id),
      is_local: false,
      name: t.name,
      preview_url: null,
      track_number: t.trackNumber,
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
      ...this.identity('show', id),
      images: this.images(id),
      is_externally_hosted: false,
      languages: ['en'],
      media_type: 'audio',
      name: s.name,
      publisher: s.publisher,
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
      ...this.identity('episode', id),
      images: this.images(e.showId),
      is_externally_hosted: false,
      is_playable: true,
      languages: ['en'],
      name: e.name,
      release_date: e.releaseDate,
      release_date_precision: 'day',
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
