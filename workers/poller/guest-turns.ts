/**
 * A guest's turn in the poll worker (PROTOCOL.md "Venue mode"): the worker holding the poll lock
 * sends the turn's `play` on the venue device once, retries it with back-off while the venue's
 * player is not ready (the turn clock held, `problem` shown to the crew), and ends the turn when
 * `guestTurnOver` says so. The decisions are the pure functions of shared/venue/guest-turn.ts;
 * this module only reads Redis, calls the player and acts.
 */
import type { OutReason } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';
import { keys } from '../../shared/redis-keys.js';
import type { RedisClient } from '../../shared/redis.js';
import type { ActiveTurn, Line } from '../../shared/queue/line.js';
import type { PlayerClient } from '../../shared/spotify/player-client.js';
import type { Playback } from '../../shared/spotify/schemas.js';
import { SpotifyError } from '../../shared/spotify/spotify-error.js';
import { guestTurnOver, retryAfterProblem, startGuestTurn } from '../../shared/venue/guest-turn.js';
import type { GuestPick, PicksStore } from '../../shared/venue/picks-store.js';
import { recordPlayed } from '../../shared/venue/played.js';
import { venueProblemOf } from '../../shared/venue/venue-problem.js';
import { VENUE_ACCOUNT_ID, type VenueStore } from '../../shared/venue/venue-store.js';
import { followEdits } from './guest-edits.js';

/** A turn's bookkeeping outlives any turn by far, and never the show. */
const TURN_STATE_TTL_SECONDS = 24 * 3600;

export interface GuestTurnDeps {
  redis: RedisClient;
  line: Line;
  picks: PicksStore;
  venue: VenueStore;
  player: PlayerClient;
  idleSeconds: () => number;
  /** A guest's picks started (locked): their phone is told (`you`). */
  picksStarted?: (userId: string) => Promise<void>;
  log: Logger;
  now?: () => number;
}

export interface PrepareResult {
  /** The line changed (a clock held or released, a turn ended). */
  lineChanged: boolean;
  /** The turn ended here (no venue, retries given up). */
  ended: boolean;
  /** The turn's `play` went out now: what the venue plays from this moment (shown at once). */
  played?: { picks: GuestPick[]; at: number };
}

/**
 * After the hub sends `play`, Spotify may still report what played before for a moment; answers
 * showing none of the sent tracks are not shown for this long (the hub's own command is the truth).
 */
export const PLAY_SETTLE_MS = 4000;

interface TurnState {
  playSent: boolean;
  /** The URIs the turn's `play` sent, in order: the turn is judged against exactly these. */
  uris: string[];
  attempt: number;
  retryAt: number;
  /** When the latest `play` went out (epoch ms; 0: not yet). */
  sentAt: number;
}

export class GuestTurns {
  readonly #d: GuestTurnDeps;
  readonly #now: () => number;
  readonly #log: Logger;

  constructor(deps: GuestTurnDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#log = deps.log.child({ module: 'guest-turns' });
  }

  async #state(turn: string): Promise<TurnState> {
    const h = await this.#d.redis.hGetAll(keys.venueTurn(turn));
    let uris: string[] = [];
    try {
      const parsed: unknown = JSON.parse(h.uris ?? '[]');
      if (Array.isArray(parsed)) uris = parsed.filter((u): u is string => typeof u === 'string');
    } catch {
      uris = [];
    }
    return {
      playSent: h.play_sent === '1',
      uris,
      attempt: Number(h.attempt) || 0,
      retryAt: Number(h.retry_at) || 0,
      sentAt: Number(h.sent_at) || 0,
    };
  }

  /**
   * Before a guest's turn is polled: sends its `play` once (or retries when due). The claim in
   * Redis (HSETNX by turn id) makes sure a second worker, or this one after a lost lock, never
   * sends the same turn's play again.
   */
  async prepare(active: ActiveTurn, turn: string): Promise<PrepareResult> {
    const d = this.#d;
    const userId = active.user_id;
    const key = keys.venueTurn(turn);
    const state = await this.#state(turn);
    const none: PrepareResult = { lineChanged: false, ended: false };
    if (state.playSent || this.#now() < state.retryAt) return none;

    const account = await d.venue.account();
    const connected = account !== null && (await d.venue.hasTokens());
    const record = await d.picks.get(userId);
    const start = startGuestTurn({ connected, deviceId: account?.device_id ?? null }, record.picks, record.started);
    if (start.action === 'wait_for_picks') return none;
    if (start.action === 'no_venue') {
      this.#log.warn({ userId }, 'a guest’s turn started without a connected venue account; skipping it');
      return { lineChanged: await this.#end(userId, 'turn_over', false), ended: true };
    }

    if (!(await d.redis.hSetNX(key, 'play_sent', '1'))) return none;
    await d.redis
      .multi()
      .hSet(key, { uris: JSON.stringify(start.uris), sent_at: String(this.#now()) })
      .expire(key, TURN_STATE_TTL_SECONDS)
      .exec();
    try {
      await d.player.play(VENUE_ACCOUNT_ID, { uris: start.uris, deviceId: start.deviceId });
    } catch (err) {
      await d.redis.hDel(key, 'play_sent');
      return this.#failed(userId, key, state.attempt, err);
    }
    this.#log.info({ userId, picks: start.uris.length }, 'guest turn: play sent to the venue device');
    // Remembered so that a turn ended elsewhere (operator skip or remove, leaving) is noticed.
    await d.redis.set(keys.venueGuestTurn(), JSON.stringify({ userId, turn }), { EX: TURN_STATE_TTL_SECONDS });
    await d.redis.hDel(key, ['attempt', 'retry_at']);
    if (account?.problem) await d.venue.setProblem(null);
    // The house music (if it played) is replaced by this play.
    await d.redis.del(keys.venueHouse());
    const played = { picks: record.picks.slice(Math.max(0, record.started)), at: this.#now() };
    return { lineChanged: await d.line.releaseTurn(userId), ended: false, played };
  }

  /**
   * What a venue answer showing `uri` means for this guest's turn: before the turn's `play` went
   * out the venue plays something else (the house music, the last turn's end): not the guest's;
   * right after a `play`, an answer with none of the sent tracks is Spotify's view lagging the
   * command (`settling`); otherwise it is the turn's playback (`shown`).
   */
  async answerView(turn: string, uri: string | null): Promise<'before_play' | 'settling' | 'shown'> {
    const state = await this.#state(turn);
    if (!state.playSent) return 'before_play';
    if (this.#now() - state.sentAt >= PLAY_SETTLE_MS) return 'shown';
    return uri !== null && state.uris.includes(uri) ? 'shown' : 'settling';
  }

  /** A failed `play`: show the problem, hold the clock, plan the retry, or give the turn up. */
  async #failed(userId: string, key: string, attempt: number, err: unknown): Promise<PrepareResult> {
    const d = this.#d;
    if (!(err instanceof SpotifyError)) throw err;
    const problem = venueProblemOf(err);
    // Other failures (5xx, time-outs) are retried on the same schedule but are nobody's to fix.
    const plan = retryAfterProblem(problem ?? 'no_device', attempt, err.retryAfterMs ?? null);
    await d.redis
      .multi()
      .hSet(key, 'attempt', String(attempt + 1))
      .expire(key, TURN_STATE_TTL_SECONDS)
      .exec();
    if (problem) await d.venue.setProblem(problem);
    if (plan.giveUp) {
      this.#log.warn(
        { userId, problem, attempts: attempt + 1 },
        'the venue’s player stayed unavailable; the guest’s turn ends',
      );
      return { lineChanged: await this.#end(userId, 'turn_over', false), ended: true };
    }
    const retryAt = this.#now() + (plan.retryInMs ?? 0);
    await d.redis.hSet(key, 'retry_at', String(retryAt));
    this.#log.warn(
      { userId, problem, code: err.code, attempt: attempt + 1, retryInMs: plan.retryInMs },
      'venue play failed; retrying with back-off',
    );
    const held = problem !== null && plan.holdClock ? await d.line.holdTurn(userId) : false;
    return { lineChanged: held, ended: false };
  }

  /**
   * After the venue's player was observed during a guest's turn: counts the picks that started
   * (cooldown, locked for editing) and ends the turn when they have all played. Answers whether
   * the turn ended here.
   */
  async observed(active: ActiveTurn, turn: string, playback: Playback): Promise<boolean> {
    const d = this.#d;
    const userId = active.user_id;
    const state = await this.#state(turn);
    // Before our play went out the venue still plays something else: nothing to judge yet.
    if (!state.playSent || state.uris.length === 0) return false;
    const record = await d.picks.get(userId);
    const now = this.#now();
    const verdict = guestTurnOver({
      picks: state.uris,
      started: record.started,
      playback,
      now,
      turnEndsAt: active.ends_at,
      // The line's own idle clock covers a guest without picks.
      noPicksSince: null,
      idleSeconds: d.idleSeconds(),
    });
    if (verdict.started > record.started) {
      await d.picks.markStarted(userId, verdict.started);
      for (const uri of state.uris.slice(record.started, verdict.started)) await recordPlayed(d.redis, uri, now);
      // Best effort: the phone also reads its picks again on the next line change.
      await d
        .picksStarted?.(userId)
        .catch((err: unknown) =>
          this.#log.debug({ err: { message: (err as Error).message } }, 'telling a guest their picks started failed'),
        );
    }
    if (!verdict.over) {
      const edits = { ...this.#d, now: this.#now, log: this.#log };
      await followEdits(
        edits,
        turn,
        state.uris,
        verdict.started,
        playback,
        record.picks.map((p) => p.uri),
      );
      return false;
    }
    this.#log.info({ userId, reason: verdict.reason }, 'guest turn over');
    const reason: OutReason = verdict.reason === 'idle' ? 'idle' : 'turn_over';
    return this.#end(userId, reason, verdict.reason !== 'picks_done');
  }

  /**
   * Whichever way a guest's turn ended (picks done here, time or idle in the line's tick, an
   * operator's skip or remove, leaving), the next poll sees that someone else drives now: the
   * picks are spent and the venue stops the guest's music.
   */
  async settle(active: ActiveTurn | null, activeTurn: string | null): Promise<void> {
    const raw = await this.#d.redis.get(keys.venueGuestTurn());
    if (!raw) return;
    let current: { userId?: unknown; turn?: unknown } = {};
    try {
      current = JSON.parse(raw) as typeof current;
    } catch {
      current = {};
    }
    if (active && current.userId === active.user_id && current.turn === activeTurn) return;
    await this.#d.redis.del(keys.venueGuestTurn());
    if (typeof current.userId === 'string') await this.ended(current.userId, true);
  }

  /** Ends the guest's turn through the line (targeted at this user, so a newer turn is safe). */
  async #end(userId: string, reason: OutReason, stopMusic: boolean): Promise<boolean> {
    // The picks are spent before the line says the turn is over, so nobody who sees the guest
    // out (their phone, the operator) still finds the old picks and thinks they are queued.
    await this.#d.picks.clear(userId);
    const where = await this.#d.line.takeOut(userId, reason);
    await this.#d.redis.del(keys.venueGuestTurn());
    await this.ended(userId, stopMusic);
    return where !== null;
  }

  /**
   * A guest's turn ended, however (its picks done, time, idle, skip): the picks are spent, and a
   * turn cut short stops the venue's music so it does not run on into the next turn.
   */
  async ended(userId: string, stopMusic: boolean): Promise<void> {
    await this.#d.picks.clear(userId);
    if (!stopMusic) return;
    try {
      await this.#d.player.pause(VENUE_ACCOUNT_ID);
    } catch (err) {
      // Already paused or no device: nothing plays on anyway.
      this.#log.debug(
        { code: err instanceof SpotifyError ? err.code : 'error' },
        'pausing the venue after a guest turn failed',
      );
    }
  }
}
