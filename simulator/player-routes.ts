/**
 * The simulated Spotify Connect player (Web API "Player" endpoints) with the real shapes and
 * errors, per https://developer.spotify.com/documentation/web-api/reference/start-a-users-playback
 * and the community OpenAPI description:
 * - here `GET /api/v1/me/player/devices`, `GET /api/v1/me/player` (204 without an active device)
 *   and `PUT /api/v1/me/player` (transfer); play, pause, next and queue in player-commands.ts;
 * - errors: 404 `NO_ACTIVE_DEVICE`, 404 unknown device, 403 `PREMIUM_REQUIRED`, 403 restriction
 *   violated, 403 missing scope, 401 expired token, forced faults (429 …) through `/control/faults`
 *   with target `api`;
 * - success: 200 with a short non-JSON body, 204 or 202, in turn, like the real service;
 * - control of devices and Premium: player-control-routes.ts.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import {
  createPlayerCommandsRouter,
  MODIFY,
  playerCall,
  premiumOr,
  REFUSED,
  refuser,
  restrictedBy,
} from './player-commands.js';
import { activate, activeDevice, devicesView, ensureVenueListener, playerOf, recordCommand } from './player-state.js';
import type { SimulatorState } from './simulator-state.js';
import { queryText, rendererFor } from './web-api-guard.js';

const READ = 'user-read-playback-state';
const transferBody = z.object({ device_ids: z.array(z.string()).min(1), play: z.boolean().optional() });

export function createPlayerRouter(state: SimulatorState, mountPath = ''): Router {
  ensureVenueListener(state);
  const router = express.Router();

  router.get('/api/v1/me/player/devices', (req, res) => {
    const listener = playerCall(state, req, res, 'player:devices', READ);
    if (!listener) return;
    state.record('player:devices', listener.id, 200);
    res.json({ devices: devicesView(playerOf(state, listener)) });
  });

  router.get('/api/v1/me/player', (req, res) => {
    const listener = playerCall(state, req, res, 'player:state', READ);
    if (!listener) return;
    const player = playerOf(state, listener);
    const device = activeDevice(player);
    if (!device) {
      state.record('player:state', listener.id, 204);
      return void res.status(204).end();
    }
    const pb = listener.playback;
    const { itemId, progressMs } = state.settle(listener);
    const r = rendererFor(state, req, mountPath);
    const isEpisode = itemId !== null && state.catalog.episodes.has(itemId);
    const types = queryText(req, 'additional_types').split(',');
    let item: unknown = null;
    if (pb.mode === 'playlist' && itemId && !isEpisode) item = r.track(itemId);
    if (pb.mode === 'playlist' && itemId && isEpisode && types.includes('episode')) item = r.episode(itemId);
    const playingType =
      pb.mode === 'playlist' ? (isEpisode ? 'episode' : 'track') : pb.mode === 'ad' ? 'ad' : 'unknown';
    state.record('player:state', listener.id, 200);
    res.json({
      device: devicesView(player).find((d) => d.id === device.id),
      repeat_state: 'off',
      shuffle_state: false,
      context: player.context
        ? { type: player.context.split(':')[1], href: null, external_urls: null, uri: player.context }
        : null,
      timestamp: state.now(),
      progress_ms: pb.mode === 'nothing' ? null : progressMs,
      is_playing: pb.mode !== 'nothing' && pb.isPlaying,
      item,
      currently_playing_type: playingType,
      actions: { disallows: pb.isPlaying ? { resuming: true } : { pausing: true } },
    });
  });

  router.put('/api/v1/me/player', (req, res) => {
    const target = 'player:transfer';
    const listener = playerCall(state, req, res, target, MODIFY);
    if (!listener) return;
    const refuse = refuser(state, res, target, listener);
    const body = transferBody.safeParse(req.body);
    if (!body.success || body.data.device_ids.length !== 1)
      return void refuse(400, 'device_ids must list exactly one device id');
    if (premiumOr(listener, refuse) === REFUSED) return;
    const player = playerOf(state, listener);
    const device = player.devices.find((d) => d.id === body.data.device_ids[0]);
    if (!device) return void refuse(404, 'Device not found');
    if (device.is_restricted) return void restrictedBy(refuse);
    state.settle(listener);
    activate(player, device);
    if (body.data.play === true && listener.playback.mode === 'playlist') {
      listener.playback.isPlaying = true;
      listener.playback.anchorTime = state.now();
      listener.playback.changedAt = state.now();
    }
    recordCommand(state, {
      listenerId: listener.id,
      command: 'transfer',
      deviceId: device.id,
      uris: null,
      contextUri: null,
    });
    state.record(target, listener.id, 204);
    res.status(204).end();
  });

  router.use(createPlayerCommandsRouter(state));

  return router;
}
