/**
 * Every Redis key the hub uses is built here (`nph:area:id`), so nothing else spells a key by hand
 * and one prefix keeps the hub apart from anything else sharing the Redis.
 */
export const KEY_PREFIX = 'nph';

export const keys = {
  /** List of user ids waiting, head first. */
  line: () => `${KEY_PREFIX}:line`,
  /** Hash per user: display name, state, reason, join time. */
  user: (userId: string) => `${KEY_PREFIX}:user:${userId}`,
  /** Set of every user id the hub knows (waiting, active or out). */
  users: () => `${KEY_PREFIX}:users`,
  /** Hash describing the active turn, absent when nobody drives. */
  active: () => `${KEY_PREFIX}:active`,
  /** Hash of operator settings: turn and idle lengths, rotation paused. */
  settings: () => `${KEY_PREFIX}:settings`,
  /** Monotonic counter bumped by every change to the line, for cheap change detection. */
  lineVersion: () => `${KEY_PREFIX}:line:version`,
  /** Encrypted Spotify tokens of one user. */
  tokens: (userId: string) => `${KEY_PREFIX}:tokens:${userId}`,
  /** Lock held while one process refreshes a user's token. */
  refreshLock: (userId: string) => `${KEY_PREFIX}:lock:refresh:${userId}`,
  /** Epoch ms before which no process may call the Spotify Web API (429 Retry-After). */
  spotifyRetryAfter: () => `${KEY_PREFIX}:spotify:retry-after`,
  /** The last `now_playing` payload, as JSON. */
  nowPlaying: () => `${KEY_PREFIX}:now-playing`,
  /** Sequence of `now_playing` payloads. */
  nowPlayingSeq: () => `${KEY_PREFIX}:now-playing:seq`,
  /** Poll bookkeeping: last success time, failure counts. */
  pollStatus: () => `${KEY_PREFIX}:poll:status`,
  /** Hash: server instance id → its socket counts per namespace, as JSON with a timestamp. */
  clients: () => `${KEY_PREFIX}:clients`,
  /** Hash of counters the workers keep for /metrics (polls, Spotify statuses, refreshes, 429s). */
  metrics: () => `${KEY_PREFIX}:metrics`,
  /** Lock held for the length of one poll, so two workers never poll at once. */
  pollLock: () => `${KEY_PREFIX}:lock:poll`,
  /** The palette of one album image, as JSON (or "none" for a while after it failed); `urlHash` is its URL's SHA-256. */
  palette: (urlHash: string) => `${KEY_PREFIX}:palette:${urlHash}`,
  /** express-session records (connect-redis prefix). */
  sessionPrefix: () => `${KEY_PREFIX}:sess:`,
  /** BullMQ's own prefix. */
  bullPrefix: () => `${KEY_PREFIX}:bull`,
  /** Socket.IO Redis adapter channel prefix. */
  socketIoChannel: () => `${KEY_PREFIX}:socket.io`,
} as const;
