/**
 * The poll's one Spotify call: what the driver plays, with the token refreshed first (and once more
 * on a 401), timed into the metrics, and every failure turned into what the poll does next (the
 * turn ends for a user Spotify refuses, back-off for an outage). Apart from poll-cycle.ts, which
 * decides when to call and what to publish.
 */
import type { OutReason } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';
import type { WorkerMetrics } from '../../shared/ops/worker-metrics.js';
import type { Playback } from '../../shared/spotify/schemas.js';
import { SpotifyError } from '../../shared/spotify/spotify-error.js';
import type { TokenRefresher } from '../../shared/spotify/token-refresher.js';
import type { TokenStore } from '../../shared/spotify/token-store.js';
import type { WebApiClient } from '../../shared/spotify/web-api-client.js';
import type { PollPolicy } from './poll-policy.js';
import type { SpotifyBudget } from './spotify-budget.js';

export type CallResult =
  { kind: 'playback'; playback: Playback } | { kind: 'lost'; reason: OutReason } | { kind: 'failed' };

export interface PlaybackCallDeps {
  tokens: TokenStore;
  refresher: TokenRefresher;
  webApi: WebApiClient;
  budget: SpotifyBudget;
  metrics: WorkerMetrics;
  policy: PollPolicy;
  log: Logger;
  now: () => number;
}

/** What the user plays, refreshing the token first and once more on a 401. */
export async function askPlayback(d: PlaybackCallDeps, userId: string): Promise<CallResult> {
  try {
    let { tokens } = await d.refresher.fresh(userId);
    try {
      return { kind: 'playback', playback: await timed(d, () => d.webApi.currentlyPlaying(tokens.accessToken)) };
    } catch (err) {
      if (!(err instanceof SpotifyError && err.code === 'unauthorized')) throw err;
      ({ tokens } = await d.refresher.fresh(userId, tokens.accessToken));
      return { kind: 'playback', playback: await timed(d, () => d.webApi.currentlyPlaying(tokens.accessToken)) };
    }
  } catch (err) {
    if (!(err instanceof SpotifyError)) throw err;
    const now = d.now();
    switch (err.code) {
      case 'invalid_grant':
        d.log.warn({ userId }, 'refresh token refused: the turn ends and the user must log in again');
        return { kind: 'lost', reason: 'revoked' };
      case 'unauthorized':
        // A 401 even after a refresh, or no stored tokens at all: this user cannot be polled.
        d.log.warn({ userId }, 'Spotify keeps refusing this user; the turn ends');
        await d.tokens.delete(userId);
        return { kind: 'lost', reason: 'revoked' };
      case 'not_registered':
        d.log.warn({ userId }, 'user is not on the app’s Development Mode list');
        await d.tokens.delete(userId);
        return { kind: 'lost', reason: 'not_registered' };
      case 'rate_limited':
        // The client already recorded the deadline (or refused to call before it).
        if (!err.local)
          d.log.warn(
            { retryAfterMs: err.retryAfterMs, reason: err.reason },
            'Spotify rate limit: no calls until the deadline',
          );
        return { kind: 'failed' };
      default: {
        const delay = await d.budget.failed(now, d.policy.intervalMs);
        d.log.warn(
          { spotify: { code: err.code, status: err.status, message: err.message }, backoffMs: delay },
          'Spotify call failed; backing off',
        );
        return { kind: 'failed' };
      }
    }
  }
}

/** Every answer (or failure) Spotify gave counts in the metrics; a call refused locally never left. */
async function timed(d: PlaybackCallDeps, call: () => Promise<Playback>): Promise<Playback> {
  const started = performance.now();
  try {
    const playback = await call();
    d.metrics.spotifyCall(
      'currently-playing',
      playback.kind === 'nothing' ? 204 : 200,
      (performance.now() - started) / 1000,
    );
    return playback;
  } catch (err) {
    if (err instanceof SpotifyError && err.local) throw err;
    const status = err instanceof SpotifyError && err.status !== null ? err.status : 'error';
    d.metrics.spotifyCall('currently-playing', status, (performance.now() - started) / 1000);
    throw err;
  }
}
