/**
 * The house music (PROTOCOL.md "Venue mode", `FALLBACK_PLAYLIST`): while nobody drives, the venue
 * account plays the fallback playlist, started once by `context_uri` (its contents are never read:
 * Spotify lets only the owner read a playlist). A turn takes over: a guest's `play` replaces it, a
 * member's turn pauses it. The decision is `fallbackDecision`; this module acts on it.
 */
import type { DriverKind } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';
import type { ActiveTurn } from '../../shared/queue/line.js';
import { keys } from '../../shared/redis-keys.js';
import type { RedisClient } from '../../shared/redis.js';
import type { PlayerClient } from '../../shared/spotify/player-client.js';
import { SpotifyError } from '../../shared/spotify/spotify-error.js';
import { fallbackDecision, retryAfterProblem } from '../../shared/venue/guest-turn.js';
import { venueProblemOf } from '../../shared/venue/venue-problem.js';
import { VENUE_ACCOUNT_ID, type VenueStore } from '../../shared/venue/venue-store.js';

/** The pseudo driver id of the house music in the now-playing bookkeeping (never in the line). */
export const HOUSE_DRIVER = 'house:venue';
const HOUSE_NAME = 'House music';

export interface HouseMusicDeps {
  redis: RedisClient;
  venue: VenueStore;
  player: PlayerClient;
  /** FALLBACK_PLAYLIST (a `spotify:playlist:…` URI), or null. */
  playlist: string | null;
  log: Logger;
  now?: () => number;
}

export class HouseMusic {
  readonly #d: HouseMusicDeps;
  readonly #now: () => number;
  readonly #log: Logger;

  constructor(deps: HouseMusicDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#log = deps.log.child({ module: 'house-music' });
  }

  /**
   * Nobody drives: starts the playlist once (retrying with back-off while the venue's player is
   * not ready) and answers the house's pseudo turn to poll and publish, or null when it does not play.
   */
  async whileIdle(): Promise<ActiveTurn | null> {
    const d = this.#d;
    if (!d.playlist) return null;
    const key = keys.venueHouse();
    const h = await d.redis.hGetAll(key);
    const account = await d.venue.account();
    const connected = account !== null && (await d.venue.hasTokens());
    const startedAt = Number(h.started_at) || 0;
    const decision = fallbackDecision({
      playlist: d.playlist,
      venueConnected: connected,
      someoneDriving: false,
      housePlaying: startedAt > 0,
    });
    const name = account?.display_name || HOUSE_NAME;
    if (decision.action === 'keep') return houseTurn(name, startedAt);
    if (decision.action !== 'start' || this.#now() < (Number(h.retry_at) || 0)) return null;
    // One worker starts it: the claim is the `started_at` field itself.
    const now = this.#now();
    if (!(await d.redis.hSetNX(key, 'started_at', String(now)))) return null;
    try {
      await d.player.play(VENUE_ACCOUNT_ID, { contextUri: decision.contextUri, deviceId: account?.device_id ?? null });
    } catch (err) {
      if (!(err instanceof SpotifyError)) throw err;
      const attempt = Number(h.attempt) || 0;
      const problem = venueProblemOf(err);
      const plan = retryAfterProblem(problem ?? 'no_device', Math.min(attempt, 4), err.retryAfterMs ?? null);
      // The house music never gives up: it retries at the longest back-off once past the first tries.
      await d.redis
        .multi()
        .hDel(key, 'started_at')
        .hSet(key, { attempt: String(attempt + 1), retry_at: String(now + (plan.retryInMs ?? 30_000)) })
        .exec();
      if (problem) await d.venue.setProblem(problem);
      this.#log.warn({ problem, code: err.code }, 'the house music could not start; retrying');
      return null;
    }
    await d.redis.hDel(key, ['attempt', 'retry_at']);
    if (account?.problem) await d.venue.setProblem(null);
    this.#log.info('nobody drives: the house music plays');
    return houseTurn(name, now);
  }

  /** Someone drives: a member's turn pauses the house music; a guest's own play replaces it. */
  async yieldTo(kind: DriverKind): Promise<void> {
    const d = this.#d;
    const key = keys.venueHouse();
    const housePlaying = Number(await d.redis.hGet(key, 'started_at')) > 0;
    const decision = fallbackDecision({
      playlist: d.playlist,
      venueConnected: true,
      someoneDriving: true,
      housePlaying,
    });
    if (decision.action !== 'yield') return;
    if (kind === 'guest') return;
    await d.redis.del(key);
    try {
      await d.player.pause(VENUE_ACCOUNT_ID);
    } catch (err) {
      this.#log.debug({ code: err instanceof SpotifyError ? err.code : 'error' }, 'pausing the house music failed');
    }
  }
}

function houseTurn(name: string, startedAt: number): ActiveTurn {
  return {
    user_id: HOUSE_DRIVER,
    display_name: name,
    started_at: startedAt,
    ends_at: null,
    remaining_ms: null,
    last_playing_at: null,
  };
}
