/**
 * What a screen shows about the music: the `now_playing` state and its parts, typed once. The wire
 * (shared/events.ts) re-exports these; names and shapes are fixed by docs/protocol.md.
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

/** A state not published yet: the publisher gives it its `seq`. */
export type NowPlayingDraft = Omit<NowPlaying, 'seq'>;

/** What everyone sees when nobody drives (and before the first poll). */
export function nobodyDriving(now: number): NowPlayingDraft {
  return {
    state: 'no_active_user',
    user: null,
    item: null,
    is_playing: false,
    progress_ms: 0,
    server_time: now,
    turn_ends_at: null,
  };
}

/** The published form of `nobodyDriving`; seq 0 means nothing was ever published. */
export function emptyNowPlaying(now: number, seq = 0): NowPlaying {
  return { seq, ...nobodyDriving(now) };
}
