/**
 * A guest may change picks that have not started (reorder, swap, add, remove) after their turn's
 * `play` went out. The player then holds the old list, so the rest is sent again behind the pick
 * that plays now, from where it is. Kept apart from guest-turns.ts, which starts, judges and ends a
 * turn: following edits is its own step with its own retry.
 */
import type { Logger } from '../../shared/logger.js';
import { keys } from '../../shared/redis-keys.js';
import type { RedisClient } from '../../shared/redis.js';
import type { PlayerClient } from '../../shared/spotify/player-client.js';
import type { Playback } from '../../shared/spotify/schemas.js';
import { SpotifyError } from '../../shared/spotify/spotify-error.js';
import { VENUE_ACCOUNT_ID, type VenueStore } from '../../shared/venue/venue-store.js';

/** After a failed re-send of changed picks, the next try waits this long. */
const EDIT_RETRY_MS = 5_000;

export interface EditDeps {
  redis: RedisClient;
  venue: VenueStore;
  player: PlayerClient;
  log: Logger;
  now: () => number;
}

const sameList = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((u, i) => u === y[i]);

/**
 * `sent` is what the turn's `play` sent, `wanted` the guest's picks now, `started` how many have
 * started. Acts only while our pick plays: a paused venue is not started by this.
 */
export async function followEdits(
  d: EditDeps,
  turn: string,
  sent: readonly string[],
  started: number,
  playback: Playback,
  wanted: string[],
): Promise<void> {
  if (started < 1 || sameList(sent.slice(started), wanted.slice(started))) return;
  // Started picks cannot change (PUT /api/picks refuses it); if they differ, the picks were reset: leave them.
  if (!sameList(sent.slice(0, started), wanted.slice(0, started))) return;
  if (playback.kind !== 'item' || !playback.isPlaying || playback.item.uri !== wanted[started - 1]) return;
  const key = keys.venueTurn(turn);
  if (d.now() < (Number(await d.redis.hGet(key, 'edit_retry_at')) || 0)) return;
  const account = await d.venue.account();
  const uris = wanted.slice(started - 1);
  try {
    await d.player.play(VENUE_ACCOUNT_ID, {
      uris,
      deviceId: account?.device_id ?? null,
      positionMs: playback.progressMs ?? 0,
    });
  } catch (err) {
    // Tried again a little later; the picks already sent play on meanwhile.
    await d.redis.hSet(key, 'edit_retry_at', String(d.now() + EDIT_RETRY_MS));
    d.log.warn({ code: err instanceof SpotifyError ? err.code : 'error' }, 'sending a guest’s changed picks failed');
    return;
  }
  await d.redis.hSet(key, { uris: JSON.stringify(wanted), sent_at: String(d.now()) });
  d.log.info({ picks: uris.length }, 'guest turn: changed picks sent behind the playing one');
}
