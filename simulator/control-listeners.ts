/**
 * Control API (for tests and demos) over the simulated listeners: list, add, rename, flag as not
 * registered, and steer a listener's playback as if they used their own Spotify app.
 * Mounted under `/control`.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Listener, PlaybackMode, SimulatorState } from './simulator-state.js';

/** The listener named by `:id`, or null after answering 404. */
export function listenerOr404(state: SimulatorState, req: Request, res: Response): Listener | null {
  const l = state.listeners.get(String(req.params.id));
  if (!l) res.status(404).json({ error: 'no such listener' });
  return l ?? null;
}

interface PlaybackChange {
  action?: unknown;
  item_id?: unknown;
  progress_ms?: unknown;
  is_playing?: unknown;
  ago_ms?: unknown;
}

/**
 * Applies one playback action to a listener; answers an error message for a bad request. `ago_ms`
 * dates the change back (a pause that began 30 s ago: Spotify's timestamp and the frozen position say so).
 */
function steer(state: SimulatorState, l: Listener, body: PlaybackChange): string | null {
  const pb = l.playback;
  const settled = state.settle(l);
  const ago = typeof body.ago_ms === 'number' && body.ago_ms > 0 ? Math.min(body.ago_ms, 3_600_000) : 0;
  const now = state.now() - ago;
  const progress = typeof body.progress_ms === 'number' && body.progress_ms >= 0 ? body.progress_ms : 0;
  const setMode = (mode: PlaybackMode) => {
    pb.mode = mode;
    pb.anchorTime = now;
  };
  pb.changedAt = now;
  switch (body.action) {
    case 'play':
      if (pb.mode !== 'playlist') setMode('playlist');
      // Playing since `now`: the position has moved on by `ago` already.
      if (!pb.isPlaying) pb.anchorTime = now;
      pb.isPlaying = true;
      return null;
    case 'pause':
      // Frozen where it was when the pause began.
      if (pb.isPlaying) pb.anchorProgress = Math.max(0, settled.progressMs - ago);
      pb.isPlaying = false;
      return null;
    case 'next':
      setMode('playlist');
      pb.index = (pb.index + 1) % pb.playlist.length;
      pb.anchorProgress = 0;
      return null;
    case 'seek':
      pb.anchorProgress = progress;
      pb.anchorTime = now;
      return null;
    case 'item': {
      const id = typeof body.item_id === 'string' ? body.item_id : '';
      if (!state.catalog.tracks.has(id) && !state.catalog.episodes.has(id))
        return 'item_id must be a track or episode id of the catalog';
      setMode('playlist');
      const at = pb.playlist.indexOf(id);
      if (at >= 0) pb.index = at;
      else {
        pb.playlist.splice(pb.index + 1, 0, id);
        pb.index += 1;
      }
      pb.anchorProgress = progress;
      pb.isPlaying = body.is_playing !== false;
      return null;
    }
    case 'nothing':
    case 'ad':
    case 'unknown':
      setMode(body.action);
      pb.isPlaying = body.action !== 'nothing';
      return null;
    default:
      return 'action must be play, pause, next, seek, item, nothing, ad or unknown';
  }
}

export function createListenersControl(state: SimulatorState): Router {
  const control = express.Router();
  const listenerView = (l: Listener) => {
    const { itemId, progressMs } = state.settle(l);
    const name = itemId
      ? (state.catalog.tracks.get(itemId)?.name ?? state.catalog.episodes.get(itemId)?.name ?? null)
      : null;
    return {
      id: l.id,
      display_name: l.displayName,
      not_registered: l.notRegistered,
      mode: l.playback.mode,
      is_playing: l.playback.isPlaying,
      item_id: itemId,
      item_name: name,
      progress_ms: progressMs,
    };
  };

  control.get('/listeners', (_req, res) => res.json({ listeners: [...state.listeners.values()].map(listenerView) }));
  control.post('/listeners', (req, res) => {
    const { id, display_name: name } = (req.body ?? {}) as { id?: unknown; display_name?: unknown };
    if (typeof id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(id) || typeof name !== 'string' || !name.trim()) {
      return void res.status(400).json({ error: 'id (letters, digits, _.-) and display_name are required' });
    }
    const l = state.listeners.get(id) ?? state.addListener(id, name.trim());
    res.status(201).json(listenerView(l));
  });
  control.get('/listeners/:id', (req, res) => {
    const l = listenerOr404(state, req, res);
    if (l) res.json(listenerView(l));
  });
  control.patch('/listeners/:id', (req, res) => {
    const l = listenerOr404(state, req, res);
    if (!l) return;
    const body = (req.body ?? {}) as { not_registered?: unknown; display_name?: unknown };
    if (typeof body.not_registered === 'boolean') l.notRegistered = body.not_registered;
    if (typeof body.display_name === 'string' && body.display_name.trim()) l.displayName = body.display_name.trim();
    res.json(listenerView(l));
  });

  /**
   * Steers a listener's player. `action`: play, pause, next, seek (progress_ms), item (item_id,
   * progress_ms: a track or episode id to start), nothing (204), ad, unknown.
   */
  control.post('/listeners/:id/playback', (req, res) => {
    const l = listenerOr404(state, req, res);
    if (!l) return;
    const problem = steer(state, l, (req.body ?? {}) as PlaybackChange);
    if (problem) return void res.status(400).json({ error: problem });
    res.json(listenerView(l));
  });

  return control;
}
