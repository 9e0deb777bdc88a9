/**
 * The simulated Spotify Connect player (Web API "Player" endpoints) with the real shapes and
 * errors, per https://developer.spotify.com/documentation/web-api/reference/start-a-users-playback
 * and the community OpenAPI description:
 * - `GET /api/v1/me/player/devices`, `GET /api/v1/me/player` (204 without an active device),
 *   `PUT /api/v1/me/player` (transfer), `PUT /api/v1/me/player/play` (`uris` or `context_uri`,
 *   `?device_id=`), `PUT /api/v1/me/player/pause`, `POST /api/v1/me/player/next`,
 *   `POST /api/v1/me/player/queue?uri=`;
 * - errors: 404 `NO_ACTIVE_DEVICE`, 404 unknown device, 403 `PREMIUM_REQUIRED`, 403 restriction
 *   violated, 403 missing scope, 401 expired token, forced faults (429 …) through `/control/faults`
 *   with target `api`;
 * - success: 200 with a short non-JSON body, 204 or 202, in turn, like the real service;
 * - control: `/control/listeners/:id/devices` (GET, POST add, DELETE `/:deviceId` remove),
 *   `PUT /control/listeners/:id/product` `{"product":"free"|"premium"}`,
 *   `PATCH /control/listeners/:id/devices/:deviceId` `{"is_restricted"}`, `GET /control/player/commands`.
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { CatalogRenderer } from './catalog.js';
import {
  activeDevice,
  ensureVenueListener,
  nextSuccessStatus,
  playerCommands,
  playerOf,
  recordCommand,
  type ListenerPlayer,
  type SimDevice,
} from './player-state.js';
import type { Listener, SimulatorState } from './simulator-state.js';

const TRACK_URI = /^spotify:(track|episode):([0-9A-Za-z]{22})$/;
const CONTEXT_URI = /^spotify:(album|playlist):([0-9A-Za-z]{22})$/;

const playBody = z
  .object({
    uris: z.array(z.string()).max(100).optional(),
    context_uri: z.string().optional(),
    offset: z.object({ position: z.number().int().min(0).optional(), uri: z.string().optional() }).optional(),
    position_ms: z.number().int().min(0).optional(),
  })
  .passthrough();
const transferBody = z.object({ device_ids: z.array(z.string()).min(1), play: z.boolean().optional() });
const deviceBody = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
  name: z.string().min(1).max(64),
  type: z.enum(['Computer', 'Smartphone', 'Speaker', 'TV', 'CastAudio']).default('Computer'),
  is_active: z.boolean().default(false),
});

export function createPlayerRouter(state: SimulatorState, mountPath = ''): Router {
  ensureVenueListener(state);
  const router = express.Router();
  const rootUrl = (req: Request) => `${req.protocol}://${req.get('host')}${mountPath}`;

  const apiError = (res: Response, status: number, message: string, reason?: string) =>
    res.status(status).json({ error: { status, message, ...(reason ? { reason } : {}) } });

  /** Authenticates like the rest of the simulated Web API; answers the listener or sends the error. */
  function playerCall(req: Request, res: Response, target: string, scope: string): Listener | null {
    const header = req.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? state.accessTokens.get(header.slice(7)) : undefined;
    if (!token) {
      state.record(target, null, 401);
      apiError(res, 401, header ? 'Invalid access token' : 'No token provided');
      return null;
    }
    if (token.expiresAt <= state.now()) {
      state.record(target, token.listenerId, 401);
      apiError(res, 401, 'The access token expired');
      return null;
    }
    const fault = state.takeFault('api');
    if (fault) {
      state.record(target, token.listenerId, fault.status);
      if (fault.status === 429) res.set('Retry-After', String(fault.retryAfterSeconds ?? 1));
      const message =
        fault.status === 429 ? 'API rate limit exceeded' : fault.status >= 500 ? 'Server error' : 'Forced error';
      const answer = () =>
        fault.plainText
          ? res.status(fault.status).type('text/plain').send(message)
          : apiError(res, fault.status, message);
      if (fault.delayMs > 0) setTimeout(answer, fault.delayMs);
      else answer();
      return null;
    }
    const listener = token.listenerId ? state.listeners.get(token.listenerId) : undefined;
    if (!listener) {
      state.record(target, null, 401);
      apiError(res, 401, 'This endpoint needs a user token');
      return null;
    }
    if (listener.notRegistered) {
      state.record(target, listener.id, 403);
      res.status(403).type('text/plain').send('User not registered in the Developer Dashboard');
      return null;
    }
    if (!token.scope.split(' ').includes(scope)) {
      state.record(target, listener.id, 403);
      apiError(res, 403, 'Insufficient client scope');
      return null;
    }
    return listener;
  }

  /** The checks every command shares: Premium, then a target device (given or active). */
  function commandTarget(
    req: Request,
    res: Response,
    target: string,
    listener: Listener,
    player: ListenerPlayer,
  ): SimDevice | null {
    if (listener.product !== 'premium') {
      state.record(target, listener.id, 403);
      apiError(res, 403, 'Player command failed: Premium required', 'PREMIUM_REQUIRED');
      return null;
    }
    const wanted = typeof req.query.device_id === 'string' && req.query.device_id !== '' ? req.query.device_id : null;
    if (wanted !== null) {
      const device = player.devices.find((d) => d.id === wanted);
      if (!device) {
        state.record(target, listener.id, 404);
        apiError(res, 404, 'Device not found');
        return null;
      }
      return device;
    }
    const device = activeDevice(player);
    if (!device) {
      state.record(target, listener.id, 404);
      apiError(res, 404, 'Player command failed: No active device found', 'NO_ACTIVE_DEVICE');
      return null;
    }
    return device;
  }

  function restricted(res: Response, target: string, listener: Listener): void {
    state.record(target, listener.id, 403);
    apiError(res, 403, 'Player command failed: Restriction violated', 'UNKNOWN');
  }

  function activate(player: ListenerPlayer, device: SimDevice): void {
    for (const d of player.devices) d.is_active = d === device;
  }

  /** Answers a command's success the way Spotify does: 200 with a short text body, 204 or 202. */
  function success(res: Response, target: string, listener: Listener): void {
    const status = nextSuccessStatus(state);
    state.record(target, listener.id, status);
    if (status === 200) res.status(200).type('application/json').send(Math.random().toString(36).slice(2, 14));
    else res.status(status).end();
  }

  const devicesView = (p: ListenerPlayer) =>
    p.devices.map((d) => ({
      id: d.id,
      is_active: d.is_active,
      is_private_session: false,
      is_restricted: d.is_restricted,
      name: d.name,
      supports_volume: true,
      type: d.type,
      volume_percent: d.volume_percent,
    }));

  router.get('/api/v1/me/player/devices', (req, res) => {
    const listener = playerCall(req, res, 'player:devices', 'user-read-playback-state');
    if (!listener) return;
    state.record('player:devices', listener.id, 200);
    res.json({ devices: devicesView(playerOf(state, listener)) });
  });

  router.get('/api/v1/me/player', (req, res) => {
    const listener = playerCall(req, res, 'player:state', 'user-read-playback-state');
    if (!listener) return;
    const player = playerOf(state, listener);
    const device = activeDevice(player);
    if (!device) {
      state.record('player:state', listener.id, 204);
      return void res.status(204).end();
    }
    const pb = listener.playback;
    const { itemId, progressMs } = state.settle(listener);
    const r = new CatalogRenderer(state.catalog, rootUrl(req), `${rootUrl(req)}/api`);
    const isEpisode = itemId !== null && state.catalog.episodes.has(itemId);
    const types = String(req.query.additional_types ?? '').split(',');
    let item: unknown = null;
    if (pb.mode === 'playlist' && itemId && !isEpisode) item = r.track(itemId);
    if (pb.mode === 'playlist' && itemId && isEpisode && types.includes('episode')) item = r.episode(itemId);
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
      currently_playing_type:
        pb.mode === 'nothing'
          ? 'unknown'
          : pb.mode === 'ad'
            ? 'ad'
            : isEpisode
              ? 'episode'
              : pb.mode === 'unknown'
                ? 'unknown'
                : 'track',
      actions: { disallows: pb.isPlaying ? { resuming: true } : { pausing: true } },
    });
  });

  router.put('/api/v1/me/player', (req, res) => {
    const target = 'player:transfer';
    const listener = playerCall(req, res, target, 'user-modify-playback-state');
    if (!listener) return;
    const body = transferBody.safeParse(req.body);
    if (!body.success || body.data.device_ids.length !== 1) {
      state.record(target, listener.id, 400);
      return void apiError(res, 400, 'device_ids must list exactly one device id');
    }
    if (listener.product !== 'premium') {
      state.record(target, listener.id, 403);
      return void apiError(res, 403, 'Player command failed: Premium required', 'PREMIUM_REQUIRED');
    }
    const player = playerOf(state, listener);
    const device = player.devices.find((d) => d.id === body.data.device_ids[0]);
    if (!device) {
      state.record(target, listener.id, 404);
      return void apiError(res, 404, 'Device not found');
    }
    if (device.is_restricted) return void restricted(res, target, listener);
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

  router.put('/api/v1/me/player/play', (req, res) => {
    const target = 'player:play';
    const listener = playerCall(req, res, target, 'user-modify-playback-state');
    if (!listener) return;
    const player = playerOf(state, listener);
    const device = commandTarget(req, res, target, listener, player);
    if (!device) return;
    if (device.is_restricted) return void restricted(res, target, listener);
    const body = playBody.safeParse(req.body ?? {});
    if (!body.success || (body.data.uris && body.data.context_uri)) {
      state.record(target, listener.id, 400);
      return void apiError(res, 400, 'Malformed json');
    }
    const { uris, context_uri: contextUri, position_ms: positionMs, offset } = body.data;
    const pb = listener.playback;
    state.settle(listener);
    const now = state.now();
    if (uris) {
      const ids: string[] = [];
      for (const uri of uris) {
        const m = TRACK_URI.exec(uri);
        const known = m && (m[1] === 'track' ? state.catalog.tracks.has(m[2]!) : state.catalog.episodes.has(m[2]!));
        if (!m || !known) {
          state.record(target, listener.id, 400);
          return void apiError(res, 400, `Invalid track uri: ${uri.slice(0, 100)}`);
        }
        ids.push(m[2]!);
      }
      if (ids.length === 0) {
        state.record(target, listener.id, 400);
        return void apiError(res, 400, 'Missing uris');
      }
      Object.assign(pb, {
        mode: 'playlist',
        playlist: ids,
        index: Math.min(offset?.position ?? 0, ids.length - 1),
        isPlaying: true,
        anchorProgress: positionMs ?? 0,
        anchorTime: now,
        changedAt: now,
        stopAtEnd: true,
      });
      player.context = null;
      player.queued.clear();
    } else if (contextUri) {
      const m = CONTEXT_URI.exec(contextUri);
      // Simulated playlists play the whole catalog; albums their tracks.
      const ids =
        m?.[1] === 'album'
          ? state.catalog.albums.get(m[2]!)?.trackIds
          : m?.[1] === 'playlist'
            ? [...state.catalog.trackOrder]
            : undefined;
      if (!ids || ids.length === 0) {
        state.record(target, listener.id, m ? 404 : 400);
        return void apiError(res, m ? 404 : 400, m ? 'Context not found' : 'Invalid context uri');
      }
      Object.assign(pb, {
        mode: 'playlist',
        playlist: [...ids],
        index: Math.min(offset?.position ?? 0, ids.length - 1),
        isPlaying: true,
        anchorProgress: positionMs ?? 0,
        anchorTime: now,
        changedAt: now,
        stopAtEnd: false,
      });
      player.context = contextUri;
      player.queued.clear();
    } else {
      // Resume.
      if (pb.mode !== 'playlist' || pb.playlist.length === 0) {
        state.record(target, listener.id, 404);
        return void apiError(res, 404, 'Player command failed: No active device found', 'NO_ACTIVE_DEVICE');
      }
      pb.isPlaying = true;
      pb.anchorTime = now;
      pb.changedAt = now;
    }
    activate(player, device);
    recordCommand(state, {
      listenerId: listener.id,
      command: 'play',
      deviceId: device.id,
      uris: uris ?? null,
      contextUri: contextUri ?? null,
    });
    success(res, target, listener);
  });

  router.put('/api/v1/me/player/pause', (req, res) => {
    const target = 'player:pause';
    const listener = playerCall(req, res, target, 'user-modify-playback-state');
    if (!listener) return;
    const player = playerOf(state, listener);
    const device = commandTarget(req, res, target, listener, player);
    if (!device) return;
    state.settle(listener);
    // Pausing what is already paused is refused by Spotify as a restriction.
    if (device.is_restricted || !listener.playback.isPlaying || listener.playback.mode !== 'playlist')
      return void restricted(res, target, listener);
    listener.playback.isPlaying = false;
    // Spotify's `timestamp`: when playback last changed.
    listener.playback.changedAt = state.now();
    recordCommand(state, {
      listenerId: listener.id,
      command: 'pause',
      deviceId: device.id,
      uris: null,
      contextUri: null,
    });
    success(res, target, listener);
  });

  router.post('/api/v1/me/player/next', (req, res) => {
    const target = 'player:next';
    const listener = playerCall(req, res, target, 'user-modify-playback-state');
    if (!listener) return;
    const player = playerOf(state, listener);
    const device = commandTarget(req, res, target, listener, player);
    if (!device) return;
    if (device.is_restricted) return void restricted(res, target, listener);
    state.settle(listener);
    const pb = listener.playback;
    if (pb.mode !== 'playlist' || pb.playlist.length === 0) return void restricted(res, target, listener);
    if (pb.stopAtEnd && pb.index === pb.playlist.length - 1) {
      pb.anchorProgress = state.durationOf(pb.playlist[pb.index]!);
      pb.isPlaying = false;
    } else {
      pb.index = (pb.index + 1) % pb.playlist.length;
      pb.anchorProgress = 0;
      pb.isPlaying = true;
      player.queued.delete(pb.playlist[pb.index]!);
    }
    pb.anchorTime = state.now();
    pb.changedAt = state.now();
    recordCommand(state, {
      listenerId: listener.id,
      command: 'next',
      deviceId: device.id,
      uris: null,
      contextUri: null,
    });
    success(res, target, listener);
  });

  router.post('/api/v1/me/player/queue', (req, res) => {
    const target = 'player:queue';
    const listener = playerCall(req, res, target, 'user-modify-playback-state');
    if (!listener) return;
    const player = playerOf(state, listener);
    const device = commandTarget(req, res, target, listener, player);
    if (!device) return;
    if (device.is_restricted) return void restricted(res, target, listener);
    const uri = typeof req.query.uri === 'string' ? req.query.uri : '';
    const m = TRACK_URI.exec(uri);
    if (!m || !(state.catalog.tracks.has(m[2]!) || state.catalog.episodes.has(m[2]!))) {
      state.record(target, listener.id, 400);
      return void apiError(res, 400, 'Invalid track uri');
    }
    state.settle(listener);
    const pb = listener.playback;
    if (pb.mode !== 'playlist' || pb.playlist.length === 0) {
      Object.assign(pb, {
        mode: 'playlist',
        playlist: [m[2]!],
        index: 0,
        isPlaying: false,
        anchorProgress: 0,
        anchorTime: state.now(),
        stopAtEnd: true,
      });
    } else {
      // Queued items play after the current one and after those queued before them.
      const ahead = pb.playlist.slice(pb.index + 1).filter((id) => player.queued.has(id)).length;
      pb.playlist.splice(pb.index + 1 + ahead, 0, m[2]!);
      player.queued.add(m[2]!);
    }
    recordCommand(state, {
      listenerId: listener.id,
      command: 'queue',
      deviceId: device.id,
      uris: [uri],
      contextUri: null,
    });
    success(res, target, listener);
  });

  // ---------- control ----------

  const listenerOr404 = (req: Request, res: Response): Listener | null => {
    const l = state.listeners.get(String(req.params.id));
    if (!l) res.status(404).json({ error: 'no such listener' });
    return l ?? null;
  };

  router.get('/control/listeners/:id/devices', (req, res) => {
    const l = listenerOr404(req, res);
    if (l) res.json({ product: l.product, devices: devicesView(playerOf(state, l)) });
  });
  router.post('/control/listeners/:id/devices', (req, res) => {
    const l = listenerOr404(req, res);
    if (!l) return;
    const body = deviceBody.safeParse(req.body ?? {});
    if (!body.success)
      return void res
        .status(400)
        .json({ error: 'name (1-64 characters) is required; type Computer|Smartphone|Speaker|TV|CastAudio' });
    const player = playerOf(state, l);
    const id = body.data.id ?? `${l.id}-device-${player.devices.length + 1}-${Math.random().toString(36).slice(2, 8)}`;
    if (player.devices.some((d) => d.id === id))
      return void res.status(409).json({ error: 'a device with that id exists' });
    const device: SimDevice = {
      id,
      name: body.data.name,
      type: body.data.type,
      is_active: false,
      is_restricted: false,
      volume_percent: 70,
    };
    player.devices.push(device);
    if (body.data.is_active) activate(player, device);
    res.status(201).json({ devices: devicesView(player) });
  });
  router.patch('/control/listeners/:id/devices/:deviceId', (req, res) => {
    const l = listenerOr404(req, res);
    if (!l) return;
    const device = playerOf(state, l).devices.find((d) => d.id === req.params.deviceId);
    if (!device) return void res.status(404).json({ error: 'no such device' });
    const b = (req.body ?? {}) as { is_restricted?: unknown };
    if (typeof b.is_restricted === 'boolean') device.is_restricted = b.is_restricted;
    res.json({ devices: devicesView(playerOf(state, l)) });
  });
  /** Removes a device (the Spotify app was closed); if it was active, nothing plays any more. */
  router.delete('/control/listeners/:id/devices/:deviceId', (req, res) => {
    const l = listenerOr404(req, res);
    if (!l) return;
    const player = playerOf(state, l);
    const device = player.devices.find((d) => d.id === req.params.deviceId);
    if (!device) return void res.status(404).json({ error: 'no such device' });
    player.devices = player.devices.filter((d) => d !== device);
    if (device.is_active) {
      state.settle(l);
      l.playback.mode = 'nothing';
      l.playback.isPlaying = false;
      l.playback.anchorTime = state.now();
    }
    res.json({ devices: devicesView(player) });
  });
  router.put('/control/listeners/:id/product', (req, res) => {
    const l = listenerOr404(req, res);
    if (!l) return;
    const product = (req.body as { product?: unknown } | undefined)?.product;
    if (product !== 'free' && product !== 'premium')
      return void res.status(400).json({ error: 'product must be free or premium' });
    l.product = product;
    res.json({ id: l.id, product: l.product });
  });
  router.get('/control/player/commands', (req, res) => {
    const since = Number(req.query.since ?? 0) || 0;
    res.json({ commands: playerCommands(state).filter((c) => c.at >= since) });
  });

  return router;
}
