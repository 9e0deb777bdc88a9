/**
 * One poll tick: advance the turn rotation, ask Spotify what the active user plays (when the policy
 * and the app-wide rate limit allow), publish what changed. Every Spotify answer is handled without
 * a crash and without a wrong event; losing Spotify access ends the turn and tells the user.
 */
import type { Logger } from '../../shared/logger.js';
import type { DriverKind, OutReason } from '../../shared/events.js';
import type { Line } from '../../shared/queue/line.js';
import type { NowPlayingStore } from '../../shared/realtime/now-playing-store.js';
import type { Playback } from '../../shared/spotify/schemas.js';
import { SpotifyError } from '../../shared/spotify/spotify-error.js';
import type { SpotifyRateGate } from '../../shared/spotify/rate-gate.js';
import type { TokenRefresher } from '../../shared/spotify/token-refresher.js';
import type { TokenStore } from '../../shared/spotify/token-store.js';
import type { WebApiClient } from '../../shared/spotify/web-api-client.js';
import type { WorkerMetrics } from '../../shared/ops/worker-metrics.js';
import type { SpotifyBudget } from './spotify-budget.js';
import type { NowPlayingPublisher, PublishKind } from './now-playing-publisher.js';
import { nextPollAt, predictedEnd, seenIn, shouldCallNow, type PollInputs, type PollPolicy } from './poll-policy.js';
import { propose, turnId, type Observation } from './draft.js';

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
  gate: SpotifyRateGate;
  events: LineEvents;
  metrics: WorkerMetrics;
  log: Logger;
  policy: PollPolicy;
  now?: () => number;
}

export interface PollOutcome {
  called: boolean;
  published: PublishKind | null;
  /** When the next call is due (for scheduling the next job); null when nobody drives. */
  nextPollAt: number | null;
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
    const noteTick = (t: Awaited<ReturnType<Line['tick']>>) => {
      if (t.ended) affected.add(t.ended.userId);
      if (t.promoted) affected.add(t.promoted);
      lineChanged ||= t.ended !== null || t.promoted !== null;
    };

    noteTick(await d.line.tick());
    let snapshot = await d.line.snapshot();
    let called = false;
    let observation: Observation | null = null;
    let inputs: PollInputs | null = null;

    if (snapshot.active) {
      const driver = snapshot.active.user_id;
      const turn = turnId(snapshot.active);
      inputs = await this.#inputs(driver, turn);
      let playing: boolean | null = inputs.last?.driver === driver && inputs.last.turn === turn ? inputs.last.seen === 'playing' : null;

      if (shouldCallNow(inputs, d.policy, this.#now())) {
        called = true;
        // The fence is taken before the request starts: a later request always carries a larger one.
        const fence = await d.store.nextFence();
        const requestedAt = this.#now();
        await d.budget.callStarted(driver, turn, requestedAt);
        const result = await this.#call(driver);
        if (result.kind === 'lost') {
          await d.line.takeOut(driver, result.reason);
          affected.add(driver);
          lineChanged = true;
        } else if (result.kind === 'playback') {
          const answeredAt = this.#now();
          const pb = result.playback;
          const seen = seenIn(pb);
          playing = seen === 'playing';
          await d.budget.answered(requestedAt, answeredAt, seen, predictedEnd(pb, answeredAt));
          observation = { driver, turn, playback: pb, answeredAt, stamp: { fence, requestedAt, changedAt: pb.kind === 'nothing' ? null : pb.changedAt } };
        }
      }

      // Idle and time limits see what this poll saw (or the last known state when no call was made).
      noteTick(await d.line.tick(driver, playing));
      if (lineChanged) snapshot = await d.line.snapshot();
    }

    const active = snapshot.active;
    // The line's user record says whether the driver is a guest (venue mode) or a member.
    const kind: DriverKind = active && (await d.line.user(active.user_id))?.kind === 'guest' ? 'guest' : 'spotify';
    const sent = await d.publisher.offer((published) => propose(this.#now(), active, published, observation, kind));
    if (lineChanged) await d.events.lineChanged([...affected]);
    await d.budget.pollDone(this.#now());

    let next: number | null = null;
    if (active) {
      const driver = active.user_id;
      const turn = turnId(active);
      next = nextPollAt(inputs && inputs.driver === driver && inputs.turn === turn && !called ? inputs : await this.#inputs(driver, turn), d.policy);
    }
    return { called, published: sent?.kind ?? null, nextPollAt: next };
  }

  async #inputs(driver: string, turn: string): Promise<PollInputs> {
    const [book, rate] = await Promise.all([this.#d.budget.state(), this.#d.gate.status()]);
    return { driver, turn, last: book.last, forceAt: book.forceAt, notBefore: Math.max(book.backoffUntil, rate.until ?? 0), factor: rate.factor };
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
          // The client already recorded the deadline (or refused to call before it).
          if (!err.local) this.#log.warn({ retryAfterMs: err.retryAfterMs, reason: err.reason }, 'Spotify rate limit: no calls until the deadline');
          return { kind: 'failed' };
        default: {
          const delay = await d.budget.failed(now, d.policy.intervalMs);
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
      if (err instanceof SpotifyError && err.local) throw err;
      const status = err instanceof SpotifyError && err.status !== null ? err.status : 'error';
      this.#d.metrics.spotifyCall('currently-playing', status, (performance.now() - started) / 1000);
      throw err;
    }
  }
}
