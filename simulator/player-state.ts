/**
 * The simulated Spotify Connect player of each listener: devices (one may be active), what the
 * player was last told to do, and the venue account of demo mode. Kept beside `SimulatorState`
 * (one player per state object) so the listener model stays as it is; playback itself is the
 * listener's `playback`, which currently-playing already reports.
 */
import type { Listener, SimulatorState } from './simulator-state.js';

export type DeviceType = 'Computer' | 'Smartphone' | 'Speaker' | 'TV' | 'CastAudio';

export interface SimDevice {
  id: string;
  name: string;
  type: DeviceType;
  is_active: boolean;
  /** Spotify may refuse commands for a device (`is_restricted`): 403 restriction violated. */
  is_restricted: boolean;
  volume_percent: number;
}

/** One player command the simulator accepted, for tests to check what the hub asked for. */
export interface PlayerCommand {
  at: number;
  listenerId: string;
  command: 'play' | 'pause' | 'next' | 'queue' | 'transfer';
  deviceId: string | null;
  uris: string[] | null;
  contextUri: string | null;
}

export interface ListenerPlayer {
  devices: SimDevice[];
  /** Items queued with `POST /me/player/queue`, still ahead of the current one. */
  queued: Set<string>;
  context: string | null;
}

/** The listener id and name of the demo venue account. */
export const VENUE_LISTENER_ID = 'venue';
export const VENUE_LISTENER_NAME = 'Venue Speakers';
export const VENUE_DEVICE_ID = 'venue-speakers-0001';

interface PlayerBook {
  players: Map<string, ListenerPlayer>;
  commands: PlayerCommand[];
  /** Rotates the success statuses of commands like the real service (200 text, 204, 202). */
  answers: number;
}

const books = new WeakMap<SimulatorState, PlayerBook>();

function book(state: SimulatorState): PlayerBook {
  let b = books.get(state);
  if (!b) {
    b = { players: new Map(), commands: [], answers: 0 };
    books.set(state, b);
  }
  return b;
}

/** A listener's player; every listener starts with one active phone, the venue with its speakers. */
export function playerOf(state: SimulatorState, listener: Listener): ListenerPlayer {
  const b = book(state);
  let p = b.players.get(listener.id);
  if (!p) {
    const device: SimDevice =
      listener.id === VENUE_LISTENER_ID
        ? {
            id: VENUE_DEVICE_ID,
            name: VENUE_LISTENER_NAME,
            type: 'Computer',
            is_active: true,
            is_restricted: false,
            volume_percent: 80,
          }
        : {
            id: `${listener.id}-phone-0001`,
            name: `${listener.displayName}’s phone`,
            type: 'Smartphone',
            is_active: true,
            is_restricted: false,
            volume_percent: 60,
          };
    p = { devices: [device], queued: new Set(), context: null };
    b.players.set(listener.id, p);
  }
  return p;
}

export function activeDevice(p: ListenerPlayer): SimDevice | null {
  return p.devices.find((d) => d.is_active) ?? null;
}

export function recordCommand(state: SimulatorState, command: Omit<PlayerCommand, 'at'>): void {
  const b = book(state);
  b.commands.push({ ...command, at: state.now() });
  if (b.commands.length > 10_000) b.commands.splice(0, 1_000);
}

/** Every player command accepted so far (oldest first). */
export function playerCommands(state: SimulatorState): readonly PlayerCommand[] {
  return book(state).commands;
}

/** The next success status of a player command: 200 (short text body), 204 or 202, in turn. */
export function nextSuccessStatus(state: SimulatorState): 200 | 202 | 204 {
  const b = book(state);
  const statuses = [200, 204, 200, 202] as const;
  const s = statuses[b.answers % statuses.length]!;
  b.answers += 1;
  return s;
}

/**
 * Adds the demo venue account (Premium, one computer device, nothing playing) if it is missing.
 * Answers the listener.
 */
export function ensureVenueListener(state: SimulatorState): Listener {
  const existing = state.listeners.get(VENUE_LISTENER_ID);
  if (existing) return existing;
  const venue = state.addListener(VENUE_LISTENER_ID, VENUE_LISTENER_NAME, { country: 'DE' });
  venue.playback.mode = 'nothing';
  venue.playback.isPlaying = false;
  playerOf(state, venue);
  return venue;
}

/** Makes `device` the one active device of the player. */
export function activate(player: ListenerPlayer, device: SimDevice): void {
  for (const d of player.devices) d.is_active = d === device;
}

/** The player's devices as the Web API lists them. */
export function devicesView(player: ListenerPlayer) {
  return player.devices.map((d) => ({
    id: d.id,
    is_active: d.is_active,
    is_private_session: false,
    is_restricted: d.is_restricted,
    name: d.name,
    supports_volume: true,
    type: d.type,
    volume_percent: d.volume_percent,
  }));
}
