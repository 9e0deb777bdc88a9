/**
 * One poll tick: advance the turn rotation, ask Spotify what the active user plays (when the
 * budget allows), publish what changed. Every Spotify answer is handled without a crash and
 * without a wrong event; losing Spotify access ends the turn and tells the user.
 */
import type { Logger } from '../../shared/logger.js';
import type { NowPlaying, OutReason } from '../../shared/events.js';
import type { Line, LineSnapshot } from '../../shared/queue/line.js';
import { extrapolatedProgress, type NowPlayingStore } from '../../shared/realtime/now-playing-store.js';
import type { Playback } from '../../shared/spotify/schemas.js';
import { SpotifyError } from '../../shared/spotify/spotify-error.js';
import type { TokenRefresher } from '../../shared/spotify/token-refresher.js';
import type { TokenStore } from '../../shared/spotify/token-store.js';
import type { WebApiClient } from '../../shared/spotify/web-api-client.js';
import type { WorkerMetrics } from '../../shared/ops/worker-metrics.js';
import { shouldCall, type SpotifyBudget } from './spotify-budget.js';
import type { Draft, NowPlayingPublisher } from './now-playing-publisher.js';

export interface LineEvents {
  lineChanged(affected?: readonly string[]): Promise<void>;
}

export interface PollCycleDeps {
  line: Line;
  tokens: TokenStore;
  refresher: TokenRefresher;
  webApi: WebApiClient;
  store: NowPlayingStore;
  publisher: NowPlayingPublisher;
  budget: SpotifyBudget;
  events: LineEvents;
  metrics: WorkerMetrics;
  log: Logger;
  intervalMs: number;
  /** Poll period while paused, idle or between turns. */
  slowMs: number;
  now?: () => number;
}

export interface PollOutcome {
  called: boolean;
  published: 'change' | 'keyframe' | null;
  /** When the playing item is predicted to end (for an extra poll right after it). */
  predictedEnd: number | null;
}

type CallResult = { kind: 'playback'; playback: Playback } | { kind: 'lost'; reason: OutReason } | { kind: 'failed' };

export class PollCycle {
  readonly #d: PollCycleDeps;
  readonly #now: () => number;
  readonly #log: Logger;

  constructor(deps: PollCycleDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#log = deps.log.child({ module: 'poll-cycle' });
  }

  async run(): Promise<PollOutcome> {
    const d = this.#d;
    d.metrics.poll();
    const affected = new Set<string>();
    let lineChanged = false;

    const first = await d.line.tick();
    if (first.ended) affected.add(first.ended.userId);
    if (first.promoted) affected.add(first.promoted);
    lineChanged ||= first.ended !== null || first.promoted !== null;

    let snapshot = await d.line.snapshot();
    const last = await d.store.current();
    let outcome: PollOutcome = { called: false, published: null, predictedEnd: null };

    if (snapshot.active) {
      const userId = snapshot.active.user_id;
      const now = this.#now();
      const blocked = await d.budget.blockedUntil(now);
      const lastCall = await d.budget.lastCall();
      let playback: Playback | null = null;
      let playing: boolean | null = lastCall?.userId === userId ? lastCall.playing : null;

      if (blocked === null && shouldCall(lastCall, userId, now, d.intervalMs, d.slowMs)) {
        const result = await this.#call(userId);
        outcome.called = true;
        if (result.kind === 'lost') {
          await d.line.takeOut(userId, result.reason);
          affected.add(userId);
          lineChanged = true;
        } else if (result.kind === 'playback') {
          playback = result.playback;
          playing = isPlaying(playback);
          const at = this.#now();
          outcome.predictedEnd = predictedEnd(playback, at);
          await d.budget.succeeded({ at, userId, playing, predictedEnd: outcome.predictedEnd });
        }
      }

      // Idle and time limits see what this poll saw (or the last known state when no call was made).
      const tick = await d.line.tick(userId, playing);
      if (tick.ended) affected.add(tick.ended.userId);
      if (tick.promoted) affected.add(tick.promoted);
      if (tick.ended || tick.promoted) lineChanged = true;
      if (lineChanged) snapshot = await d.line.snapshot();

      const draft = this.#draft(snapshot, last, playback, userId);
      const sent = await d.publisher.offer(draft);
      outcome = { ...outcome, published: sent?.kind ?? null };
    } else {
      const sent = await d.publisher.offer(idleDraft(this.#now()));
      outcome = { ...outcome, published: sent?.kind ?? null };
    }

    if (lineChanged) await d.events.lineChanged([...affected]);
    await d.budget.pollDone(this.#now());
    return outcome;
  }

  /** What the active user plays, refreshing the token first and once more on a 401. */
  async #call(userId: string): Promise<CallResult> {
    const d = this.#d;
    try {
      let { tokens } = await d.refresher.fresh(userId);
      try {
        return { kind: 'playback', playback: await this.#timed(() => d.webApi.currentlyPlaying(tokens.accessToken)) };
      } catch (err) {
        if (!(err instanceof SpotifyError && err.code === 'unauthorized')) throw err;
        ({ tokens } = await d.refresher.fresh(userId, tokens.accessToken));
        return { kind: 'playback', playback: await this.#timed(() => d.webApi.currentlyPlaying(tokens.accessToken)) };
      }
    } catch (err) {
      if (!(err instanceof SpotifyError)) throw err;
      const now = this.#now();
      switch (err.code) {
        case 'invalid_grant':
          this.#log.warn({ userId }, 'refresh token refused: the turn ends and the user must log in again');
          return { kind: 'lost', reason: 'revoked' };
        case 'unauthorized':
          // A 401 even after a refresh, or no stored tokens at all: this user cannot be polled.
          this.#log.warn({ userId }, 'Spotify keeps refusing this user; the turn ends');
          await d.tokens.delete(userId);
          return { kind: 'lost', reason: 'revoked' };
        case 'not_registered':
          this.#log.warn({ userId }, 'user is not on the app’s Development Mode list');
          await d.tokens.delete(userId);
          return { kind: 'lost', reason: 'not_registered' };
        case 'rate_limited':
          await d.budget.rateLimited(now, err.retryAfterMs ?? 1000);
          this.#log.warn({ retryAfterMs: err.retryAfterMs }, 'Spotify rate limit: no calls until the deadline');
          return { kind: 'failed' };
        default: {
          const delay = await d.budget.failed(now, d.intervalMs);
          this.#log.warn({ spotify: { code: err.code, status: err.status, message: err.message }, backoffMs: delay }, 'Spotify call failed; backing off');
          return { kind: 'failed' };
        }
      }
    }
  }

  async #timed(call: () => Promise<Playback>): Promise<Playback> {
    const started = performance.now();
    try {
      const playback = await call();
      this.#d.metrics.spotifyCall('currently-playing', playback.kind === 'nothing' ? 204 : 200, (performance.now() - started) / 1000);
      return playback;
    } catch (err) {
      const status = err instanceof SpotifyError && err.status !== null ? err.status : 'error';
      this.#d.metrics.spotifyCall('currently-playing', status, (performance.now() - started) / 1000);
      throw err;
    }
  }

  /** The payload this tick stands for; without a fresh answer, the last one carried forward. */
  #draft(snapshot: LineSnapshot, last: NowPlaying, playback: Playback | null, polledUser: string): Draft {
    const now = this.#now();
    const active = snapshot.active;
    if (!active) return idleDraft(now);
    const user = { display_name: active.display_name };
    const turnEndsAt = active.ends_at;
    if (active.user_id !== polledUser) {
      // The turn just passed to someone not polled yet: nothing known about their playback.
      return { state: 'idle', user, item: null, is_playing: false, progress_ms: 0, server_time: now, turn_ends_at: turnEndsAt };
    }
    if (!playback) {
      const sameUser = last.user?.display_name === active.display_name && last.state !== 'no_active_user';
      if (!sameUser) return { state: 'idle', user, item: null, is_playing: false, progress_ms: 0, server_time: now, turn_ends_at: turnEndsAt };
      return { state: last.state, user, item: last.item, is_playing: last.is_playing, progress_ms: extrapolatedProgress(last, now), server_time: now, turn_ends_at: turnEndsAt };
    }
    if (playback.kind === 'item') {
      const progress = Math.min(Math.max(0, playback.progressMs ?? 0), playback.item.duration_ms);
      return { state: playback.isPlaying ? 'playing' : 'paused', user, item: playback.item, is_playing: playback.isPlaying, progress_ms: progress, server_time: now, turn_ends_at: turnEndsAt };
    }
    // 204, an ad or an unknown type: nothing the installation can show.
    return { state: 'idle', user, item: null, is_playing: false, progress_ms: 0, server_time: now, turn_ends_at: turnEndsAt };
  }
}

function idleDraft(now: number): Draft {
  return { state: 'no_active_user', user: null, item: null, is_playing: false, progress_ms: 0, server_time: now, turn_ends_at: null };
}

/** Ads count as playing for the idle rule: the listener is listening, Spotify just shows no item. */
function isPlaying(p: Playback): boolean {
  return p.kind !== 'nothing' && p.isPlaying;
}

function predictedEnd(p: Playback, at: number): number | null {
  if (p.kind !== 'item' || !p.isPlaying || p.progressMs === null) return null;
  return at + Math.max(0, p.item.duration_ms - p.progressMs);
}
