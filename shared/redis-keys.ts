/**
 * Every Redis key the hub uses is built here (`nph:area:id`), so nothing else spells a key by hand
 * and one prefix keeps the hub apart from anything else sharing the Redis. Keys one Lua script
 * touches together share a Redis Cluster hash tag (`nph:{line}:…`, `nph:{spotify}:…`,
 * `nph:{now-playing}…`), and scripts receive every key through KEYS, never building a name in Lua.
 */
export const KEY_PREFIX = 'nph';

/**
 * A pub/sub channel name. Channels are shared by every database of a Redis, so a hub on database
 * N > 0 (demo mode on a Redis it did not start) gets its own.
 */
const channel = (name: string, database: number) =>
  database === 0 ? `${KEY_PREFIX}:${name}` : `${KEY_PREFIX}:db${database}:${name}`;

/**
 * Redis Cluster hash tag of the line: every key a line script touches carries it, so they all hash
 * to one slot and each script runs unchanged on Redis Cluster and on managed Redis that enforce it.
 */
const LINE = `${KEY_PREFIX}:{line}`;

export const keys = {
  /** List of user ids waiting, head first. */
  line: () => `${LINE}:waiting`,
  /**
   * Hash: user id → that user's record as JSON (display name, state, reason, join time, kind), for
   * every user the hub knows (waiting, active or out). One hash rather than a key per user: the
   * line's scripts reach users they only learn inside Lua (the next one popped off the line, the
   * driver of the active turn), and a key a script cannot name up front cannot be passed in KEYS.
   */
  users: () => `${LINE}:users`,
  /** Hash describing the active turn, absent when nobody drives. */
  active: () => `${LINE}:active`,
  /** Hash of operator settings: turn and idle lengths, rotation paused. */
  settings: () => `${LINE}:settings`,
  /** Monotonic counter bumped by every change to the line, for cheap change detection. */
  lineVersion: () => `${LINE}:version`,
  /** Encrypted Spotify tokens of one user. */
  tokens: (userId: string) => `${KEY_PREFIX}:tokens:${userId}`,
  /** Lock held while one process refreshes a user's token. */
  refreshLock: (userId: string) => `${KEY_PREFIX}:lock:refresh:${userId}`,
  /**
   * Epoch ms before which no process may call Spotify (429 Retry-After). `{spotify}` is a Redis
   * Cluster hash tag: the rate-limit script touches this key and `spotifyRate` together.
   */
  spotifyRetryAfter: () => `${KEY_PREFIX}:{spotify}:retry-after`,
  /** Hash: the app-wide adaptive poll rate after 429s (factor, since, reason of the last 429). */
  spotifyRate: () => `${KEY_PREFIX}:{spotify}:rate`,
  /** The last `now_playing` payload, as JSON. `{now-playing}`: one Cluster slot for the publish script. */
  nowPlaying: () => `${KEY_PREFIX}:{now-playing}`,
  /** Sequence of `now_playing` payloads. */
  nowPlayingSeq: () => `${KEY_PREFIX}:{now-playing}:seq`,
  /** Hash: version of the published state and the driver, turn and stamp of the observation it shows. */
  nowPlayingPublished: () => `${KEY_PREFIX}:{now-playing}:published`,
  /** Fencing counter: every currently-playing request takes the next number before it starts. */
  nowPlayingFence: () => `${KEY_PREFIX}:{now-playing}:fence`,
  /** Poll bookkeeping: last success time, failure counts. */
  pollStatus: () => `${KEY_PREFIX}:poll:status`,
  /** Hash: server instance id → its socket counts per namespace, as JSON with a timestamp. */
  clients: () => `${KEY_PREFIX}:clients`,
  /** Hash of counters the workers keep for /metrics (polls, Spotify statuses, refreshes, 429s). */
  metrics: () => `${KEY_PREFIX}:metrics`,
  /** Lock held for the length of one poll, so two workers never poll at once. */
  pollLock: () => `${KEY_PREFIX}:lock:poll`,
  /** Hash describing the venue account: Spotify id, name, product, chosen device (venue mode). */
  venue: () => `${KEY_PREFIX}:venue`,
  /** Hash per guest: name, its normalised form, the session id it joined from. */
  guest: (guestId: string) => `${KEY_PREFIX}:guest:${guestId}`,
  /**
   * Venue mode, one guest turn (by turn id): whether its `play` was sent, retry attempts and when
   * the next retry is due while the venue's player is not ready.
   */
  venueTurn: (turn: string) => `${KEY_PREFIX}:venue:turn:${turn}`,
  /** Venue mode: the guest turn whose play the venue is playing (`{"userId","turn"}`), if any. */
  venueGuestTurn: () => `${KEY_PREFIX}:venue:guest-turn`,
  /** Venue mode: the fallback playlist the worker started (while nobody drives), if any. */
  venueHouse: () => `${KEY_PREFIX}:venue:house`,
  /** A guest's picks for the next turn, as JSON (uris with display metadata). */
  picks: (userId: string) => `${KEY_PREFIX}:picks:${userId}`,
  /** Sorted set: track URI → epoch ms it last played (for TRACK_COOLDOWN_MINUTES). */
  played: () => `${KEY_PREFIX}:played`,
  /** Set of banned user ids (guests and Spotify users). */
  bannedUsers: () => `${KEY_PREFIX}:banned:users`,
  /** Set of banned guest names (normalised, case-folded) for the rest of the show. */
  bannedNames: () => `${KEY_PREFIX}:banned:names`,
  /** Set of banned browser session ids. */
  bannedSessions: () => `${KEY_PREFIX}:banned:sessions`,
  /** Cached catalog search answer for one normalised query. */
  catalogSearch: (query: string) => `${KEY_PREFIX}:search:${query}`,
  /** One track seen in a search answer, as a pick (JSON), by its spotify:track: URI. */
  catalogTrack: (uri: string) => `${KEY_PREFIX}:track:${uri}`,
  /** rate-limiter-flexible counters of one budget (`nph:rl:<name>:<client>`). */
  rateLimitPrefix: (name: string) => `${KEY_PREFIX}:rl:${name}`,
  /** The palette of one album image, as JSON (or "none" for a while after it failed); `urlHash` is its URL's SHA-256. */
  palette: (urlHash: string) => `${KEY_PREFIX}:palette:${urlHash}`,
  /** Marks a destroyed session id for a while, so a late save cannot bring it back (logout). */
  endedSession: (sessionId: string) => `${KEY_PREFIX}:sess-ended:${sessionId}`,
  /** express-session records (connect-redis prefix). */
  sessionPrefix: () => `${KEY_PREFIX}:sess:`,
  /** BullMQ's own prefix. */
  bullPrefix: () => `${KEY_PREFIX}:bull`,
  /** Socket.IO Redis adapter channel prefix (per database, see `channel`). */
  socketIoChannel: (database = 0) => channel('socket.io', database),
  /** Pub/sub channel on which servers ask the poll workers for a poll at once (per database). */
  pollNowChannel: (database = 0) => channel('poll-now', database),
  /** Marks a database that `npm start` claimed for demo data in a Redis it did not start. */
  demoMarker: () => `${KEY_PREFIX}:demo-database`,
} as const;
