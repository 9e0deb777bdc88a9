/**
 * The simulated Web API's user reads the hub polls: `GET /api/v1/me` and
 * `GET /api/v1/me/player/currently-playing`, with Spotify's shapes for tracks, episodes (only with
 * `additional_types=episode`), ads, unknown items and nothing playing (204).
 */
import express, { type Router } from 'express';
import type { SimulatorState } from './simulator-state.js';
import { queryText, rendererFor, rootUrl, userCall } from './web-api-guard.js';

export function createWebApiRouter(state: SimulatorState, mountPath: string): Router {
  const router = express.Router();

  router.get('/api/v1/me', (req, res) => {
    const listener = userCall(state, req, res, { target: 'me', faults: 'me' });
    if (!listener) return;
    state.record('me', listener.id, 200);
    res.json({
      country: listener.country,
      display_name: listener.displayName,
      explicit_content: { filter_enabled: false, filter_locked: false },
      external_urls: { spotify: `https://open.spotify.com/user/${listener.id}` },
      followers: { href: null, total: 3 },
      href: `${rootUrl(req, mountPath)}/api/v1/users/${listener.id}`,
      id: listener.id,
      images: [],
      product: listener.product,
      type: 'user',
      uri: `spotify:user:${listener.id}`,
    });
  });

  router.get('/api/v1/me/player/currently-playing', (req, res) => {
    const listener = userCall(state, req, res, { target: 'currently-playing', faults: 'currently-playing' });
    if (!listener) return;
    const pb = listener.playback;
    const now = state.now();
    // A slow answer describes the playback as it was when the request arrived, like a real one.
    const lateMs = state.takeLatency('currently-playing');
    const answer = (status: number, body: unknown) => {
      const send = () => {
        state.record('currently-playing', listener.id, status, now);
        if (status === 204) res.status(204).end();
        else res.json(body);
      };
      if (lateMs > 0) setTimeout(send, lateMs);
      else send();
    };
    if (pb.mode === 'nothing') return void answer(204, null);
    const actions = { disallows: pb.isPlaying ? { resuming: true } : { pausing: true } };
    if (pb.mode === 'ad' || pb.mode === 'unknown') {
      return void answer(200, {
        timestamp: pb.changedAt,
        context: null,
        progress_ms: pb.mode === 'ad' ? Math.floor(now - pb.anchorTime) % 30_000 : null,
        item: null,
        currently_playing_type: pb.mode,
        actions,
        is_playing: pb.isPlaying,
      });
    }
    const { itemId, progressMs } = state.settle(listener);
    const r = rendererFor(state, req, mountPath);
    const types = queryText(req, 'additional_types').split(',');
    const isEpisode = itemId !== null && state.catalog.episodes.has(itemId);
    let item: unknown = null;
    if (itemId && !isEpisode) item = r.track(itemId);
    // Without additional_types=episode, Spotify hides the episode object.
    if (itemId && isEpisode && types.includes('episode')) item = r.episode(itemId);
    const albumId = itemId && !isEpisode ? state.catalog.tracks.get(itemId)?.albumId : undefined;
    const context = albumId
      ? {
          type: 'album',
          href: `${r.apiBase}/v1/albums/${albumId}`,
          external_urls: { spotify: `https://open.spotify.com/album/${albumId}` },
          uri: `spotify:album:${albumId}`,
        }
      : null;
    // `timestamp` is when playback last changed (play, pause, skip, seek, new item), not the time of the answer.
    answer(200, {
      timestamp: pb.changedAt,
      context,
      progress_ms: progressMs,
      item,
      currently_playing_type: isEpisode ? 'episode' : 'track',
      actions,
      is_playing: pb.isPlaying,
    });
  });

  return router;
}
