/**
 * The wire: every payload the hub sends over Socket.IO, the plain WebSocket and HTTP, typed once.
 * Names and shapes are fixed by PROTOCOL.md.
 */

export interface WireImage {
  url: string;
  width: number | null;
  height: number | null;
}

export interface NowPlayingItem {
  type: 'track' | 'episode';
  id: string | null;
  uri: string | null;
  name: string;
  artists: { id: string | null; name: string }[];
  album: { id: string | null; name: string; images: WireImage[] };
  duration_ms: number;
  /** Colours of the album art; null (or absent) until computed, then a follow-up `now_playing` carries them. */
  palette?: Palette | null;
}

/** The six classic "Vibrant" swatches, in the order OSC and the docs list them. */
export const PALETTE_SWATCHES = [
  'vibrant',
  'dark_vibrant',
  'light_vibrant',
  'muted',
  'dark_muted',
  'light_muted',
] as const;
export type SwatchName = (typeof PALETTE_SWATCHES)[number];
/** Each swatch as "#rrggbb", or null when the image has no colour of that kind. */
export type Palette = Record<SwatchName, string | null>;
/** Who drives in `now_playing.user.kind`. */
export type DriverKind = 'spotify' | 'guest' | 'house';

export type PlaybackState = 'playing' | 'paused' | 'idle' | 'no_active_user';

export interface NowPlaying {
  seq: number;
  state: PlaybackState;
  /**
   * Who drives. `kind` (venue mode): a member with their own Spotify, a guest playing through the
   * venue account, or the house (fallback playlist). Optional so payloads stored before it parse.
   */
  user: { display_name: string; kind?: DriverKind } | null;
  item: NowPlayingItem | null;
  is_playing: boolean;
  /** Valid at `server_time`. */
  progress_ms: number;
  /** Hub clock, ms since epoch. */
  server_time: number;
  turn_ends_at: number | null;
}

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
