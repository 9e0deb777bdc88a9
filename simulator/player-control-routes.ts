/**
 * Control API over the simulated Spotify Connect players, for tests and demos:
 * `/control/listeners/:id/devices` (GET, POST add, PATCH `/:deviceId` `{"is_restricted"}`, DELETE
 * `/:deviceId` remove), `PUT /control/listeners/:id/product` `{"product":"free"|"premium"}`, and
 * `GET /control/player/commands` (what the hub asked the player to do).
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { listenerOr404 } from './control-listeners.js';
import { activate, devicesView, playerCommands, playerOf, type SimDevice } from './player-state.js';
import type { SimulatorState } from './simulator-state.js';

const deviceBody = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
  name: z.string().min(1).max(64),
  type: z.enum(['Computer', 'Smartphone', 'Speaker', 'TV', 'CastAudio']).default('Computer'),
  is_active: z.boolean().default(false),
});

export function createPlayerControlRouter(state: SimulatorState): Router {
  const router = express.Router();

  router.get('/control/listeners/:id/devices', (req, res) => {
    const l = listenerOr404(state, req, res);
    if (l) res.json({ product: l.product, devices: devicesView(playerOf(state, l)) });
  });
  router.post('/control/listeners/:id/devices', (req, res) => {
    const l = listenerOr404(state, req, res);
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
    const l = listenerOr404(state, req, res);
    if (!l) return;
    const device = playerOf(state, l).devices.find((d) => d.id === req.params.deviceId);
    if (!device) return void res.status(404).json({ error: 'no such device' });
    const b = (req.body ?? {}) as { is_restricted?: unknown };
    if (typeof b.is_restricted === 'boolean') device.is_restricted = b.is_restricted;
    res.json({ devices: devicesView(playerOf(state, l)) });
  });
  /** Removes a device (the Spotify app was closed); if it was active, nothing plays any more. */
  router.delete('/control/listeners/:id/devices/:deviceId', (req, res) => {
    const l = listenerOr404(state, req, res);
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
    const l = listenerOr404(state, req, res);
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
