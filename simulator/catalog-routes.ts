/**
 * The simulated Web API's catalog reads, open to any valid token (user or app): tracks, albums,
 * artists (with top tracks and albums) and search, with Spotify's paging objects and id errors.
 */
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { CatalogRenderer } from './catalog-renderer.js';
import type { SimulatorState } from './simulator-state.js';
import { apiError, bearer, queryText, rendererFor, sendFault } from './web-api-guard.js';

const BASE62_ID = /^[0-9A-Za-z]{22}$/;

const paging = (req: Request) => ({
  offset: Math.max(0, Number(queryText(req, 'offset')) || 0),
  limit: Math.min(50, Math.max(1, Number(queryText(req, 'limit')) || 20)),
});

function byId<T>(res: Response, map: Map<string, T>, id: string): T | null {
  if (!BASE62_ID.test(id)) {
    apiError(res, 400, 'Invalid base62 id');
    return null;
  }
  const found = map.get(id);
  if (!found) {
    apiError(res, 404, 'Resource not found');
    return null;
  }
  return found;
}

type SearchType = 'track' | 'album' | 'artist' | 'show' | 'episode';

/** Per search type: the answer's key and the matching entries, rendered. `hit` tests a name. */
function searchables(r: CatalogRenderer, hit: (name: string) => boolean) {
  const c = r.catalog;
  return {
    track: {
      key: 'tracks',
      items: () =>
        [...c.tracks.values()]
          .filter((t) => hit(t.name) || t.artistIds.some((a) => hit(c.artists.get(a)!.name)))
          .map((t) => r.track(t.id)),
    },
    album: {
      key: 'albums',
      items: () => [...c.albums.values()].filter((a) => hit(a.name)).map((a) => r.simplifiedAlbum(a.id)),
    },
    artist: {
      key: 'artists',
      items: () => [...c.artists.values()].filter((a) => hit(a.name)).map((a) => r.artist(a.id)),
    },
    show: { key: 'shows', items: () => [...c.shows.values()].filter((s) => hit(s.name)).map((s) => r.show(s.id)) },
    episode: {
      key: 'episodes',
      items: () => [...c.episodes.values()].filter((e) => hit(e.name)).map((e) => r.episode(e.id)),
    },
  } satisfies Record<SearchType, { key: string; items: () => unknown[] }>;
}

export function createCatalogRouter(state: SimulatorState, mountPath: string): Router {
  const router = express.Router();

  function catalogCall(req: Request, res: Response): CatalogRenderer | null {
    const token = bearer(state, req, res, 'catalog');
    if (!token) return null;
    const fault = state.takeFault('catalog');
    if (fault) {
      sendFault(state, res, fault, 'catalog', token.listenerId);
      return null;
    }
    state.record('catalog', token.listenerId, 200);
    return rendererFor(state, req, mountPath);
  }

  /** A route for one catalog entry by `:id`: 400 for a malformed id, 404 for an unknown one. */
  const entryRoute =
    <T>(map: Map<string, T>, answer: (r: CatalogRenderer, entry: T, req: Request) => unknown): RequestHandler =>
    (req, res) => {
      const r = catalogCall(req, res);
      const entry = r && byId(res, map, String(req.params.id));
      if (r && entry) res.json(answer(r, entry, req));
    };
  const c = state.catalog;

  router.get(
    '/api/v1/tracks/:id',
    entryRoute(c.tracks, (r, t) => r.track(t.id)),
  );
  router.get('/api/v1/tracks', (req, res) => {
    const r = catalogCall(req, res);
    if (!r) return;
    const ids = queryText(req, 'ids').split(',').filter(Boolean);
    if (ids.length === 0 || ids.length > 50) return void apiError(res, 400, 'ids must list 1 to 50 ids');
    res.json({ tracks: ids.map((id) => (c.tracks.has(id) ? r.track(id) : null)) });
  });
  router.get(
    '/api/v1/albums/:id',
    entryRoute(c.albums, (r, a) => r.album(a.id)),
  );
  router.get(
    '/api/v1/albums/:id/tracks',
    entryRoute(c.albums, (r, album, req) => {
      const { offset, limit } = paging(req);
      const items = album.trackIds.map((t) => r.simplifiedTrack(t));
      return r.paging(`${r.apiBase}/v1/albums/${album.id}/tracks`, items, offset, limit);
    }),
  );
  router.get(
    '/api/v1/artists/:id',
    entryRoute(c.artists, (r, a) => r.artist(a.id)),
  );
  router.get(
    '/api/v1/artists/:id/top-tracks',
    entryRoute(c.artists, (r, artist) => ({
      tracks: [...c.tracks.values()]
        .filter((t) => t.artistIds.includes(artist.id))
        .slice(0, 10)
        .map((t) => r.track(t.id)),
    })),
  );
  router.get(
    '/api/v1/artists/:id/albums',
    entryRoute(c.artists, (r, artist, req) => {
      const { offset, limit } = paging(req);
      const albums = [...c.albums.values()].filter((a) => a.artistIds.includes(artist.id));
      const items = albums.map((a) => r.simplifiedAlbum(a.id));
      return r.paging(`${r.apiBase}/v1/artists/${artist.id}/albums`, items, offset, limit);
    }),
  );
  router.get('/api/v1/search', (req, res) => {
    const r = catalogCall(req, res);
    if (!r) return;
    const q = queryText(req, 'q').trim().toLowerCase();
    const types = queryText(req, 'type').split(',').filter(Boolean);
    if (!q) return void apiError(res, 400, 'No search query');
    const kinds = searchables(r, (name) => name.toLowerCase().includes(q));
    const isKnown = (t: string): t is SearchType => Object.hasOwn(kinds, t);
    if (types.length === 0 || !types.every(isKnown)) return void apiError(res, 400, 'Bad search type field');
    const { offset, limit } = paging(req);
    const out: Record<string, unknown> = {};
    for (const type of (['track', 'album', 'artist', 'show', 'episode'] as const).filter((t) => types.includes(t))) {
      const href = `${r.apiBase}/v1/search?q=${encodeURIComponent(q)}&type=${type}`;
      const kind: { key: string; items: () => unknown[] } = kinds[type];
      out[kind.key] = r.paging(href, kind.items(), offset, limit);
    }
    res.json(out);
  });

  return router;
}
