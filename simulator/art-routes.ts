/**
 * Generated album, show and artist art at `/images/:id/:size.png` (Spotify's 64, 300 and 640
 * pixel sizes), made once per image and cached: a two-colour gradient from the catalog's colours.
 */
import express, { type Router } from 'express';
import { albumArtPng } from './png.js';
import type { SimulatorState } from './simulator-state.js';

const SIZES = [64, 300, 640];
const ARTIST_COLORS = [
  [60, 60, 60],
  [200, 200, 200],
] as const;

export function createArtRouter(state: SimulatorState): Router {
  const router = express.Router();
  const imageCache = new Map<string, Buffer>();
  router.get('/images/:id/:size.png', (req, res) => {
    const { id } = req.params;
    const size = Number(req.params.size);
    const c = state.catalog;
    const colors = (c.albums.get(id) ?? c.shows.get(id))?.colors ?? (c.artists.has(id) ? ARTIST_COLORS : null);
    if (!colors || !SIZES.includes(size)) return void res.status(404).end();
    const key = `${id}:${size}`;
    let png = imageCache.get(key);
    if (!png) {
      png = albumArtPng(size, colors[0], colors[1]);
      imageCache.set(key, png);
    }
    res.set('Cache-Control', 'public, max-age=86400').type('png').send(png);
  });
  return router;
}
