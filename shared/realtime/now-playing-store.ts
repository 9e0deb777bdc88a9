/**
 * The current `now_playing` payload lives in Redis, so any server process can hand it to a client
 * that just connected and any worker can continue the sequence after a restart.
 *
 * Publishing is one Lua script: it checks that nothing was published since the caller read the
 * state (a version number), that the draft was not built on an older line than the one published
 * (the line's own version), that the observation is newer than the last one published for the same
 * driver and turn, stores the payload and its `seq`, and broadcasts it to every server — all at
 * once, so no older state can overtake a newer one, whatever the number of workers.
 */
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';
import { STALE_REPLICA_MS, emptyNowPlaying, type NowPlaying, type ObservationStamp } from '../hub-state/index.js';

/** The bookkeeping next to the published payload. */
export interface PublishedState {
  payload: NowPlaying;
  /** Grows with every write; a publish names the version it was computed from. */
  version: number;
  seq: number;
  /** Driver and turn the payload is about ('' when nobody drives). */
  driver: string;
  turn: string;
  /** The newest observation published (or seen) for that driver and turn, if any. */
  stamp: ObservationStamp | null;
  /** The newest line version (shared/queue/line.ts) a published draft was built on; 0 when none. */
  lineVersion: number;
}

export interface PublishRequest {
  expectedVersion: number;
  /** Null: record `stamp` as seen (it showed nothing new) without publishing anything. */
  payload: NowPlaying | null;
  driver: string;
  turn: string;
  stamp: ObservationStamp | null;
  /**
   * The line version the draft was built on. An older one than the published state's is refused
   * ('line-moved'): the line changed since, and whoever changed it published that change.
   * Null: the draft only carries the published state forward (no line read).
   */
  lineVersion: number | null;
  /** Socket.IO adapter messages to broadcast in the same step, as [channel, message]. */
  messages: readonly (readonly [string, Buffer])[];
}

export type PublishResult = 'ok' | 'conflict' | 'stale' | 'line-moved';

/**
 * KEYS[1] payload, KEYS[2] seq, KEYS[3] published (hash).
 * ARGV[1] expected version, ARGV[2] payload JSON ('' = record the stamp only), ARGV[3] seq,
 * ARGV[4] driver, ARGV[5] turn, ARGV[6] fence ('' = no observation), ARGV[7] requested_at,
 * ARGV[8] changed_at ('' = unknown), ARGV[9] stale window ms, ARGV[10] line version ('' = none),
 * ARGV[11..] channel, message pairs.
 * The ordering rule is `observationWins` in shared/hub-state/observation-order.ts (mirrored here).
 */
const PUBLISH = `
local m = redis.call('HMGET', KEYS[3], 'version', 'driver', 'turn', 'fence', 'requested_at', 'changed_at', 'line_version')
local version = tonumber(m[1]) or 0
if version ~= tonumber(ARGV[1]) then return 'conflict' end
local line_version = tonumber(m[7]) or 0
if ARGV[2] ~= '' and ARGV[10] ~= '' and tonumber(ARGV[10]) < line_version then return 'line-moved' end
local same_turn = m[2] == ARGV[4] and m[3] == ARGV[5]
local observed = ARGV[6] ~= ''
if observed and same_turn and m[4] and m[4] ~= '' then
  if tonumber(ARGV[6]) <= tonumber(m[4]) then return 'stale' end
  if ARGV[8] ~= '' and m[6] and m[6] ~= '' and tonumber(ARGV[8]) < tonumber(m[6])
     and tonumber(ARGV[7]) - tonumber(m[5]) < tonumber(ARGV[9]) then return 'stale' end
end
local fields = {}
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('SET', KEYS[2], ARGV[3])
  fields = {'version', version + 1, 'seq', ARGV[3], 'driver', ARGV[4], 'turn', ARGV[5]}
  if ARGV[10] ~= '' then table.insert(fields, 'line_version'); table.insert(fields, ARGV[10]) end
elseif not same_turn then
  -- Recording a stamp needs the payload to be about the same turn.
  return 'conflict'
end
if observed then
  table.insert(fields, 'fence'); table.insert(fields, ARGV[6])
  table.insert(fields, 'requested_at'); table.insert(fields, ARGV[7])
  table.insert(fields, 'changed_at'); table.insert(fields, ARGV[8])
elseif not same_turn then
  redis.call('HDEL', KEYS[3], 'fence', 'requested_at', 'changed_at')
end
if #fields > 0 then redis.call('HSET', KEYS[3], unpack(fields)) end
if ARGV[2] ~= '' then
  for i = 11, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end
end
return 'ok'
`;

export class NowPlayingStore {
  readonly #redis: RedisClient;
  readonly #now: () => number;

  constructor(redis: RedisClient, now: () => number = Date.now) {
    this.#redis = redis;
    this.#now = now;
  }

  /** The last published payload, or the empty one. */
  async current(): Promise<NowPlaying> {
    return parsePayload(await this.#redis.get(keys.nowPlaying()), this.#now());
  }

  /** The payload with its bookkeeping, read in one atomic step. */
  async read(): Promise<PublishedState> {
    const [raw, meta, seqRaw] = (await this.#redis
      .multi()
      .get(keys.nowPlaying())
      .hGetAll(keys.nowPlayingPublished())
      .get(keys.nowPlayingSeq())
      .exec()) as unknown as [string | null, Record<string, string>, string | null];
    const payload = parsePayload(raw, this.#now());
    const num = (v: string | undefined) =>
      v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : null;
    const fence = num(meta.fence);
    return {
      payload,
      version: num(meta.version) ?? 0,
      // The sequence survives losing the payload: it never repeats or goes back.
      seq: Math.max(num(meta.seq) ?? 0, num(seqRaw ?? undefined) ?? 0, payload.seq),
      driver: meta.driver ?? '',
      turn: meta.turn ?? '',
      stamp:
        fence === null ? null : { fence, requestedAt: num(meta.requested_at) ?? 0, changedAt: num(meta.changed_at) },
      lineVersion: num(meta.line_version) ?? 0,
    };
  }

  /** A fencing number for a request about to start: larger than every one handed out before. */
  nextFence(): Promise<number> {
    return this.#redis.incr(keys.nowPlayingFence());
  }

  /** Runs the publish script (see above). */
  async publish(req: PublishRequest): Promise<PublishResult> {
    const s = req.stamp;
    const args: (string | Buffer)[] = [
      String(req.expectedVersion),
      req.payload ? JSON.stringify(req.payload) : '',
      req.payload ? String(req.payload.seq) : '',
      req.driver,
      req.turn,
      s ? String(s.fence) : '',
      s ? String(s.requestedAt) : '',
      s?.changedAt != null ? String(s.changedAt) : '',
      String(STALE_REPLICA_MS),
      req.lineVersion === null ? '' : String(req.lineVersion),
    ];
    for (const [channel, message] of req.messages) args.push(channel, message);
    const reply = await this.#redis.eval(PUBLISH, {
      keys: [keys.nowPlaying(), keys.nowPlayingSeq(), keys.nowPlayingPublished()],
      arguments: args,
    });
    return reply === 'ok' || reply === 'stale' || reply === 'line-moved' ? reply : 'conflict';
  }
}

function parsePayload(raw: string | null, now: number): NowPlaying {
  if (!raw) return emptyNowPlaying(now);
  try {
    return JSON.parse(raw) as NowPlaying;
  } catch {
    return emptyNowPlaying(now);
  }
}
