/**
 * The waiting line: who waits, who drives, for how long. Redis is the only state; every change is
 * one Lua script (see line-scripts.ts), so servers and workers may steer it concurrently.
 */
import { keys } from '../redis-keys.js';
import type { OutReason, QueueEntry, QueueFull, QueueSummary, YouStatus } from '../events.js';
import * as lua from './line-scripts.js';
import { runScript, type ScriptRedis } from './scripts.js';

export interface LineDefaults {
  readonly turnSeconds: number;
  readonly idleSeconds: number;
}

export interface WaitingEntry {
  id: string;
  display_name: string;
  joined_at: number | null;
}

export interface ActiveTurn {
  user_id: string;
  display_name: string;
  started_at: number;
  /** Null while the rotation is paused. */
  ends_at: number | null;
  /** Set while paused: what was left of the turn when it was paused. */
  remaining_ms: number | null;
  last_playing_at: number | null;
}

export interface LineSnapshot {
  now: number;
  waiting: WaitingEntry[];
  active: ActiveTurn | null;
  paused: boolean;
  turn_seconds: number;
  idle_seconds: number;
  version: number;
}

export interface TickResult {
  ended: { userId: string; reason: OutReason } | null;
  promoted: string | null;
}

export interface UserRecord {
  id: string;
  display_name: string;
  state: 'waiting' | 'active' | 'out';
  reason: OutReason | null;
  joined_at: number | null;
  updated_at: number | null;
  /** Venue mode: a guest (no Spotify login) or a member with their own Spotify; absent means spotify. */
  kind?: UserKind;
}

export type UserKind = 'spotify' | 'guest';

/**
 * What the line needs of a Redis connection: scripts and two plain reads. A single client and a
 * Redis Cluster client both fit (every key the line touches shares one hash tag).
 */
export interface LineRedis extends ScriptRedis {
  // Typed as widely as node-redis's reply types; the line reads strings (or null) from both.
  hGet(key: string, field: string): Promise<string | null | undefined | object>;
  hVals(key: string): Promise<unknown>;
}

const OUT_REASONS: readonly OutReason[] = ['turn_over', 'idle', 'left', 'removed', 'revoked', 'not_registered'];

export class Line {
  readonly #redis: LineRedis;
  readonly #defaults: LineDefaults;
  readonly #now: () => number;

  constructor(redis: LineRedis, defaults: LineDefaults, now: () => number = Date.now) {
    this.#redis = redis;
    this.#defaults = defaults;
    this.#now = now;
  }

  #run(script: string, ...args: (string | number)[]): Promise<unknown> {
    return runScript(this.#redis, script, lua.lineScriptKeys(), [
      this.#now(),
      this.#defaults.turnSeconds,
      this.#defaults.idleSeconds,
      ...args,
    ]);
  }

  /** Adds the user at the end of the line; a user already waiting or active is left where they are. */
  async join(userId: string, displayName: string, kind?: UserKind): Promise<boolean> {
    return (await this.#run(lua.JOIN, userId, displayName, ...(kind ? [kind] : []))) === 1;
  }

  /** Takes the user out of the line (leaving, logging out, losing Spotify access). */
  async takeOut(userId: string, reason: OutReason): Promise<'active' | 'waiting' | null> {
    const where = await this.#run(lua.TAKE_OUT, userId, reason);
    return where === 'active' || where === 'waiting' ? where : null;
  }

  /** Ends the active turn early; answers whose turn it was. */
  async skip(): Promise<string | null> {
    const id = await this.#run(lua.SKIP);
    return typeof id === 'string' ? id : null;
  }

  /** Moves a waiting user to a 1-based position; answers the position taken, or null if not waiting. */
  async move(userId: string, position: number): Promise<number | null> {
    const pos = await this.#run(lua.MOVE, userId, Math.max(1, Math.floor(position)));
    return typeof pos === 'number' && pos > 0 ? pos : null;
  }

  async pause(): Promise<boolean> {
    return (await this.#run(lua.PAUSE)) === 1;
  }

  async resume(): Promise<boolean> {
    return (await this.#run(lua.RESUME)) === 1;
  }

  /** Venue mode: holds the clock of `userId`'s turn while the venue's player is not ready. */
  async holdTurn(userId: string): Promise<boolean> {
    return (await this.#run(lua.HOLD, userId)) === 1;
  }

  /** Venue mode: the venue's player works again; `userId`'s turn clock runs on from where it held. */
  async releaseTurn(userId: string): Promise<boolean> {
    return (await this.#run(lua.RELEASE, userId)) === 1;
  }

  async updateSettings(settings: {
    turnSeconds?: number | undefined;
    idleSeconds?: number | undefined;
  }): Promise<void> {
    await this.#run(lua.SETTINGS, settings.turnSeconds ?? '', settings.idleSeconds ?? '');
  }

  /**
   * Advances the rotation: ends a turn that ran out or went idle and promotes the next in line.
   * `polled` and `playing` report what a poll just saw for that user.
   */
  async tick(polled: string | null = null, playing: boolean | null = null): Promise<TickResult> {
    const reply = (await this.#run(lua.TICK, polled ?? '', playing === null ? '' : playing ? '1' : '0')) as [
      string,
      string,
      string,
    ];
    const [ended, reason, promoted] = reply;
    return {
      ended: ended ? { userId: ended, reason: reason as OutReason } : null,
      promoted: promoted || null,
    };
  }

  async snapshot(): Promise<LineSnapshot> {
    const raw = JSON.parse(String(await this.#run(lua.SNAPSHOT))) as Omit<LineSnapshot, 'waiting'> & {
      waiting: WaitingEntry[] | Record<string, never>;
    };
    // cjson encodes an empty Lua table as {}.
    const waiting = Array.isArray(raw.waiting) ? raw.waiting : [];
    return { ...raw, waiting: waiting.map((w) => ({ ...w, joined_at: w.joined_at ?? null })) };
  }

  async user(userId: string): Promise<UserRecord | null> {
    const raw = await this.#redis.hGet(keys.users(), userId);
    return typeof raw === 'string' ? toUserRecord(raw) : null;
  }

  /** Whether this user is a guest (venue mode) or a member with their own Spotify (also when unknown). */
  async kind(userId: string): Promise<UserKind> {
    return (await this.user(userId))?.kind === 'guest' ? 'guest' : 'spotify';
  }

  /** Users who are out, most recent first (for the operator's view). */
  async recentlyOut(limit = 50): Promise<UserRecord[]> {
    const rows = (await this.#redis.hVals(keys.users())) as string[];
    return rows
      .map(toUserRecord)
      .filter((u): u is UserRecord => u !== null && u.state === 'out')
      .sort((a, b) => (b.updated_at ?? 0) - (a.updated_at ?? 0))
      .slice(0, limit);
  }
}

/** One user's record as the line's scripts store it (JSON); null for anything unreadable. */
function toUserRecord(json: string): UserRecord | null {
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof h !== 'object' || h === null || typeof h.id !== 'string' || h.id === '') return null;
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const time = (v: unknown): number | null => (v === undefined || v === null || v === '' ? null : Number(v));
  const reason = OUT_REASONS.find((r) => r === h.reason) ?? null;
  const state = h.state === 'waiting' || h.state === 'active' ? h.state : 'out';
  return {
    id: h.id,
    display_name: text(h.display_name) ?? h.id,
    state,
    reason: state === 'out' ? reason : null,
    joined_at: time(h.joined_at),
    updated_at: time(h.updated_at),
    kind: h.kind === 'guest' ? 'guest' : 'spotify',
  };
}
/** Milliseconds left in the active turn at the snapshot's time. */
export function remainingMs(s: LineSnapshot): number {
  if (!s.active) return 0;
  if (s.active.ends_at === null) return s.active.remaining_ms ?? 0;
  return Math.max(0, s.active.ends_at - s.now);
}

/** Seconds until the user at a 1-based waiting position starts, if every turn runs its length. */
export function etaSeconds(s: LineSnapshot, position: number): number {
  return Math.ceil(remainingMs(s) / 1000) + (position - 1) * s.turn_seconds;
}

/** What `/api/me` and the `you` event say about one user. */
export function youStatus(s: LineSnapshot, user: UserRecord | null): YouStatus | null {
  if (!user) return null;
  const length = s.waiting.length;
  // Venue mode: the kind travels with the status once it is known (records read from Redis).
  const kind = user.kind ? { kind: user.kind } : {};
  if (s.active?.user_id === user.id)
    return { state: 'active', position: null, length, eta_seconds: 0, reason: null, ...kind };
  const index = s.waiting.findIndex((w) => w.id === user.id);
  if (index >= 0)
    return {
      state: 'waiting',
      position: index + 1,
      length,
      eta_seconds: etaSeconds(s, index + 1),
      reason: null,
      ...kind,
    };
  return { state: 'out', position: null, length, eta_seconds: null, reason: user.reason ?? 'left', ...kind };
}

/** How many waiting people the `queue` event names (the projector shows them as next up). */
export const NEXT_UP_SHOWN = 3;

export function queueSummary(s: LineSnapshot): QueueSummary {
  return {
    length: s.waiting.length,
    active: s.active ? { display_name: s.active.display_name, turn_ends_at: s.active.ends_at } : null,
    next: s.waiting.slice(0, NEXT_UP_SHOWN).map((w) => ({ display_name: w.display_name })),
  };
}

export function queueFull(s: LineSnapshot, out: UserRecord[]): QueueFull {
  const waiting: QueueEntry[] = s.waiting.map((w, i) => ({
    user_id: w.id,
    display_name: w.display_name,
    state: 'waiting',
    position: i + 1,
    joined_at: w.joined_at,
    eta_seconds: etaSeconds(s, i + 1),
    reason: null,
  }));
  return {
    paused: s.paused,
    turn_seconds: s.turn_seconds,
    idle_seconds: s.idle_seconds,
    active: s.active
      ? {
          user_id: s.active.user_id,
          display_name: s.active.display_name,
          started_at: s.active.started_at,
          turn_ends_at: s.active.ends_at,
          remaining_ms: remainingMs(s),
        }
      : null,
    waiting,
    out: out.map((u) => ({
      user_id: u.id,
      display_name: u.display_name,
      state: 'out',
      position: null,
      joined_at: u.joined_at,
      eta_seconds: null,
      reason: u.reason,
    })),
    length: waiting.length,
  };
}
