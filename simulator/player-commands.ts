/**
 * The simulated player's commands: `PUT /api/v1/me/player/play` (`uris` or `context_uri`,
 * `?device_id=`), `PUT /api/v1/me/player/pause`, `POST /api/v1/me/player/next` and
 * `POST /api/v1/me/player/queue?uri=`. Every command passes the same checks first (token with
 * the modify scope, Premium, a target device that is not restricted) and is answered the same way
 * when accepted; `command()` holds that, each handler only its own effect.
 */
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import {
  activate,
  activeDevice,
  nextSuccessStatus,
  playerOf,
  recordCommand,
  type ListenerPlayer,
  type PlayerCommand,
  type SimDevice,
} from './player-state.js';
import type { Listener, Playback, SimulatorState } from './simulator-state.js';
import { apiError, queryText, userCall } from './web-api-guard.js';

const TRACK_URI = /^spotify:(track|episode):([0-9A-Za-z]{22})$/;
const CONTEXT_URI = /^spotify:(album|playlist):([0-9A-Za-z]{22})$/;
export const MODIFY = 'user-modify-playback-state';

const playBody = z
  .object({
    uris: z.array(z.string()).max(100).optional(),
    context_uri: z.string().optional(),
    offset: z.object({ position: z.number().int().min(0).optional(), uri: z.string().optional() }).optional(),
    position_ms: z.number().int().min(0).optional(),
  })
  .passthrough();

/** A refusal has been recorded and sent; the handler stops. */
export const REFUSED = Symbol('refused');
export type Refuse = (status: number, message: string, reason?: string) => typeof REFUSED;

/** What a player command handler works with, once the checks every command shares have passed. */
interface CommandCall {
  readonly req: Request;
  readonly listener: Listener;
  readonly player: ListenerPlayer;
  readonly device: SimDevice;
  readonly refuse: Refuse;
  /** Spotify's 403 "Restriction violated" (also what it answers to pausing what is paused). */
  readonly restricted: () => typeof REFUSED;
}

/** What an accepted command asked for, for the command log. */
type Accepted = { readonly uris?: string[]; readonly contextUri?: string };

/** The listener's player starts `ids` from `offset`: a `uris` list stops after its last item. */
function startItems(
  pb: Playback,
  ids: readonly string[],
  from: z.infer<typeof playBody>,
  now: number,
  stopAtEnd: boolean,
) {
  Object.assign(pb, {
    mode: 'playlist',
    playlist: [...ids],
    index: Math.min(from.offset?.position ?? 0, ids.length - 1),
    isPlaying: true,
    anchorProgress: from.position_ms ?? 0,
    anchorTime: now,
    changedAt: now,
    stopAtEnd,
  });
}

/** A user call to the player: any forced fault of target `api` applies, and the scope is checked. */
export const playerCall = (state: SimulatorState, req: Request, res: Response, target: string, scope: string) =>
  userCall(state, req, res, { target, faults: 'api', scope });

/** Refusals of one call: each is recorded under `target` and sent as Spotify's error object. */
export const refuser =
  (state: SimulatorState, res: Response, target: string, listener: Listener): Refuse =>
  (status, message, reason) => {
    state.record(target, listener.id, status);
    apiError(res, status, message, reason);
    return REFUSED;
  };

/** Player commands need Premium: true, or the refusal. */
export const premiumOr = (listener: Listener, refuse: Refuse) =>
  listener.product === 'premium' || refuse(403, 'Player command failed: Premium required', 'PREMIUM_REQUIRED');

export const restrictedBy = (refuse: Refuse): typeof REFUSED =>
  refuse(403, 'Player command failed: Restriction violated', 'UNKNOWN');

/** The device a command is for: `?device_id=`, else the active one. */
function commandTarget(req: Request, player: ListenerPlayer, refuse: Refuse): SimDevice | typeof REFUSED {
  const wanted = queryText(req, 'device_id');
  if (wanted !== '') return player.devices.find((d) => d.id === wanted) ?? refuse(404, 'Device not found');
  return activeDevice(player) ?? refuse(404, 'Player command failed: No active device found', 'NO_ACTIVE_DEVICE');
}

/**
 * A player command: the shared checks, then `run`, and for an accepted command the log entry and
 * Spotify's success answer (200 with a short text body, 204 or 202, in turn).
 */
function command(
  state: SimulatorState,
  name: Exclude<PlayerCommand['command'], 'transfer'>,
  run: (c: CommandCall) => Accepted | typeof REFUSED,
): RequestHandler {
  return (req, res) => {
    const target = `player:${name}`;
    const listener = playerCall(state, req, res, target, MODIFY);
    if (!listener) return;
    const refuse = refuser(state, res, target, listener);
    const restricted = (): typeof REFUSED => restrictedBy(refuse);
    if (premiumOr(listener, refuse) === REFUSED) return;
    const player = playerOf(state, listener);
    const device = commandTarget(req, player, refuse);
    if (device === REFUSED) return;
    if (device.is_restricted) return void restricted();
    const accepted = run({ req, listener, player, device, refuse, restricted });
    if (accepted === REFUSED) return;
    recordCommand(state, {
      listenerId: listener.id,
      command: name,
      deviceId: device.id,
      uris: accepted.uris ?? null,
      contextUri: accepted.contextUri ?? null,
    });
    const status = nextSuccessStatus(state);
    state.record(target, listener.id, status);
    if (status === 200) res.status(200).type('application/json').send(Math.random().toString(36).slice(2, 14));
    else res.status(status).end();
  };
}

export function createPlayerCommandsRouter(state: SimulatorState): Router {
  const router = express.Router();

  router.put(
    '/api/v1/me/player/play',
    command(state, 'play', ({ req, listener, player, device, refuse }) => {
      const body = playBody.safeParse(req.body ?? {});
      if (!body.success || (body.data.uris && body.data.context_uri)) return refuse(400, 'Malformed json');
      const { uris, context_uri: contextUri } = body.data;
      const pb = listener.playback;
      state.settle(listener);
      const now = state.now();
      if (uris) {
        const ids: string[] = [];
        for (const uri of uris) {
          const m = TRACK_URI.exec(uri);
          const known = m && (m[1] === 'track' ? state.catalog.tracks.has(m[2]!) : state.catalog.episodes.has(m[2]!));
          if (!m || !known) return refuse(400, `Invalid track uri: ${uri.slice(0, 100)}`);
          ids.push(m[2]!);
        }
        if (ids.length === 0) return refuse(400, 'Missing uris');
        startItems(pb, ids, body.data, now, true);
        player.context = null;
        player.queued.clear();
      } else if (contextUri) {
        const m = CONTEXT_URI.exec(contextUri);
        // Simulated playlists play the whole catalog; albums their tracks.
        const ids =
          m?.[1] === 'album'
            ? state.catalog.albums.get(m[2]!)?.trackIds
            : m?.[1] === 'playlist'
              ? state.catalog.trackOrder
              : undefined;
        if (!ids || ids.length === 0) return m ? refuse(404, 'Context not found') : refuse(400, 'Invalid context uri');
        startItems(pb, ids, body.data, now, false);
        player.context = contextUri;
        player.queued.clear();
      } else {
        // Resume.
        if (pb.mode !== 'playlist' || pb.playlist.length === 0)
          return refuse(404, 'Player command failed: No active device found', 'NO_ACTIVE_DEVICE');
        pb.isPlaying = true;
        pb.anchorTime = now;
        pb.changedAt = now;
      }
      activate(player, device);
      return { uris, contextUri };
    }),
  );

  router.put(
    '/api/v1/me/player/pause',
    command(state, 'pause', ({ listener, restricted }) => {
      state.settle(listener);
      const pb = listener.playback;
      // Pausing what is already paused is refused by Spotify as a restriction.
      if (!pb.isPlaying || pb.mode !== 'playlist') return restricted();
      pb.isPlaying = false;
      // Spotify's `timestamp`: when playback last changed.
      pb.changedAt = state.now();
      return {};
    }),
  );

  router.post(
    '/api/v1/me/player/next',
    command(state, 'next', ({ listener, player, restricted }) => {
      state.settle(listener);
      const pb = listener.playback;
      if (pb.mode !== 'playlist' || pb.playlist.length === 0) return restricted();
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
      return {};
    }),
  );

  router.post(
    '/api/v1/me/player/queue',
    command(state, 'queue', ({ req, listener, player, refuse }) => {
      const uri = queryText(req, 'uri');
      const m = TRACK_URI.exec(uri);
      if (!m || !(state.catalog.tracks.has(m[2]!) || state.catalog.episodes.has(m[2]!)))
        return refuse(400, 'Invalid track uri');
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
      return { uris: [uri] };
    }),
  );

  return router;
}
