/**
 * The wire: every payload the hub sends over Socket.IO, the plain WebSocket and HTTP, typed once.
 * Names and shapes are fixed by PROTOCOL.md.
 */

// The `now_playing` state is owned by the hub-state module; the wire carries it as is.
export {
  PALETTE_SWATCHES,
  type DriverKind,
  type NowPlaying,
  type NowPlayingItem,
  type Palette,
  type PlaybackState,
  type SwatchName,
  type WireImage,
} from './hub-state/now-playing.js';
import type { NowPlaying, WireImage } from './hub-state/now-playing.js';

export type QueueState = 'waiting' | 'active' | 'out';
export type OutReason = 'turn_over' | 'idle' | 'left' | 'removed' | 'revoked' | 'not_registered';

/** A user's own place, as in `/api/me` and the `you` event. */
export interface YouStatus {
  state: QueueState;
  position: number | null;
  length: number;
  eta_seconds: number | null;
  reason: OutReason | null;
  /** Venue mode: who this member is (a guest has no Spotify login). */
  kind?: 'spotify' | 'guest';
  /** Venue mode, guests only: their picks in order. */
  picks?: GuestPickWire[];
  /** Venue mode, guests only: how many picks (from the first) have started in this turn (locked). */
  picks_started?: number;
}

/** A guest's pick as clients see it (`/api/picks`, `/api/me`, `you`). */
export interface GuestPickWire {
  uri: string;
  name: string;
  artists: { name: string }[];
  album: { name: string; images: WireImage[] };
  duration_ms: number;
  explicit: boolean;
}

export interface QueueSummary {
  length: number;
  active: { display_name: string; turn_ends_at: number | null } | null;
  /** The first few people waiting, in order, for the projector's "next up" (an addition to PROTOCOL.md). */
  next?: { display_name: string }[];
}

export interface QueueEntry {
  user_id: string;
  display_name: string;
  state: QueueState;
  position: number | null;
  joined_at: number | null;
  eta_seconds: number | null;
  reason: OutReason | null;
}

/** `/api/operator/queue` and the `queue_full` event. */
export interface QueueFull {
  paused: boolean;
  turn_seconds: number;
  idle_seconds: number;
  active: {
    user_id: string;
    display_name: string;
    started_at: number;
    turn_ends_at: number | null;
    remaining_ms: number;
  } | null;
  waiting: QueueEntry[];
  out: QueueEntry[];
  length: number;
}

export interface Health {
  redis: boolean;
  last_poll_at: number | null;
  last_poll_age_ms: number | null;
  spotify_retry_after: number | null;
  /** Why Spotify holds the hub back: a short rate limit, or the app's quota used up (429 `QUOTA_EXCEEDED`). */
  spotify_limit: 'rate_limited' | 'quota_exceeded' | null;
  refresh_failures: number;
  /** Sockets per namespace across the fleet; `displays` counts the `/` sockets of projector views. */
  clients: { '/': number; '/operator': number; '/bridge': number; displays: number };
  bridge_connected: boolean;
  server_time: number;
  /** The address phones use and why it may not work from a phone (operator panel). */
  address?: JoinAddressReport;
}

export interface JoinAddressWarning {
  code: 'public_url_loopback' | 'own_login_needs_https';
  message: string;
}

/** What the projector's QR code carries, the hub's LAN addresses and the crew's warnings. */
export interface JoinAddressReport {
  qr_url: string;
  /** `lan`: PUBLIC_URL is unset, so the QR code carries the first LAN address instead. */
  qr_source: 'public_url' | 'lan';
  public_url: string;
  lan_urls: string[];
  warnings: JoinAddressWarning[];
  guests_note: string;
}

export interface ServerToClientEvents {
  now_playing: (payload: NowPlaying) => void;
  queue: (payload: QueueSummary) => void;
  you: (payload: YouStatus) => void;
  queue_full: (payload: QueueFull) => void;
  health: (payload: Health) => void;
  pong_time: (payload: { client_time: number; server_time: number }) => void;
}

export interface ClientToServerEvents {
  /** Clock sync for the bridge: answered with `pong_time` (no acknowledgement callbacks). */
  ping_time: (payload: { client_time: number }) => void;
}
