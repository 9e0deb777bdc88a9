/**
 * One poll tick: advance the turn rotation, ask Spotify what the active user plays (when the policy
 * and the app-wide rate limit allow), publish what changed. Every Spotify answer is handled without
 * a crash and without a wrong event; losing Spotify access ends the turn and tells the user.
 * The call itself lives in playback-call.ts, the at-once publishing of hub-caused changes in
 * hub-caused.ts: this module decides when to call and what to publish.
 */
import type { Logger } from '../../shared/logger.js';
import type { DriverKind } from '../../shared/events.js';
import type { ActiveTurn, Line, LineSnapshot } from '../../shared/queue/line.js';
import type { NowPlayingStore } from '../../shared/realtime/now-playing-store.js';
import type { SpotifyRateGate } from '../../shared/spotify/rate-gate.js';
import type { TokenRefresher } from '../../shared/spotify/token-refresher.js';
import type { TokenStore } from '../../shared/spotify/token-store.js';
import type { WebApiClient } from '../../shared/spotify/web-api-client.js';
import type { WorkerMetrics } from '../../shared/ops/worker-metrics.js';
import type { SpotifyBudget } from './spotify-budget.js';
import type { NowPlayingPublisher, PublishKind } from './now-playing-publisher.js';
import { nextPollAt, predictedEnd, seenIn, shouldCallNow, type PollInputs, type PollPolicy } from './poll-policy.js';
import { propose, turnId, type Observation } from './draft.js';
import type { GuestTurns } from './guest-turns.js';
import { hubCaused, type HubCaused } from './hub-caused.js';
import type { HouseMusic } from './house-music.js';
import { askPlayback } from './playback-call.js';
import { VENUE_ACCOUNT_ID, type VenueStore } from '../../shared/venue/venue-store.js';

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
  /** Venue mode: guests' turns play through the venue account (absent: members only). */
  guests?: GuestTurns | null;
  venue?: VenueStore | null;
  /** Venue mode: the fallback playlist while nobody drives (absent: silence). */
  house?: HouseMusic | null;
  now?: () => number;
}

export interface PollOutcome {
  called: boolean;
  published: PublishKind | null;
  /** When the next call is due (for scheduling the next job); null when nobody drives. */
  nextPollAt: number | null;
}

export class PollCycle {
  readonly #d: PollCycleDeps;
  readonly #now: () => number;
  readonly #log: Logger;
  /** Changes the hub caused itself: published at once, before Spotify is asked. */
  readonly #hubCaused: HubCaused;

  constructor(deps: PollCycleDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#log = deps.log.child({ module: 'poll-cycle' });
    this.#hubCaused = hubCaused({ line: deps.line, store: deps.store, publisher: deps.publisher, now: this.#now });
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
    // A guest's turn that ended anywhere (time, idle, skip, remove): picks spent, the venue stops.
    const settleGuests = (s: Awaited<ReturnType<Line['snapshot']>>) =>
      d.guests?.settle(s.active, s.active ? turnId(s.active) : null);

    noteTick(await d.line.tick());
    let snapshot = await d.line.snapshot();
    await settleGuests(snapshot);
    let called = false;
    let observation: Observation | null = null;
    let inputs: PollInputs | null = null;

    // A guest's turn: its play goes to the venue device first (once per turn, retried while the
    // venue's player is not ready); a turn that ended there is polled no more.
    let kind: DriverKind = snapshot.active ? await d.line.kind(snapshot.active.user_id) : 'spotify';
    if (snapshot.active && kind === 'guest' && d.guests) {
      const prepared = await d.guests.prepare(snapshot.active, turnId(snapshot.active));
      // The hub's own command is shown at once, not after Spotify reports it back.
      if (prepared.played && !prepared.ended) await this.#hubCaused.showPlayed(snapshot.active, prepared.played);
      if (prepared.lineChanged || prepared.ended) {
        affected.add(snapshot.active.user_id);
        lineChanged = true;
        snapshot = await d.line.snapshot();
        kind = snapshot.active ? await d.line.kind(snapshot.active.user_id) : 'spotify';
      }
    }

    // Nobody drives: the house music (FALLBACK_PLAYLIST) plays on the venue account and is polled
    // like a turn; a turn takes over from it.
    let house: ActiveTurn | null = null;
    if (d.house) {
      if (!snapshot.active) house = await d.house.whileIdle();
      else await d.house.yieldTo(kind);
    }

    const driving = snapshot.active ?? house;
    if (driving) {
      const driver = driving.user_id;
      const turn = turnId(driving);
      const guest = kind === 'guest' && house === null;
      inputs = await this.#inputs(driver, turn);
      let playing: boolean | null =
        inputs.last?.driver === driver && inputs.last.turn === turn ? inputs.last.seen === 'playing' : null;

      // What the line itself changed (a new turn, an operator's pause or resume, a held clock) is
      // shown before Spotify is asked; the answer then confirms or fills in the playback.
      await this.#hubCaused.showLine(driving, house ? 'house' : kind, snapshot.version);

      if (shouldCallNow(inputs, d.policy, this.#now())) {
        called = true;
        // The fence is taken before the request starts: a later request always carries a larger one.
        const fence = await d.store.nextFence();
        const requestedAt = this.#now();
        await d.budget.callStarted(driver, turn, requestedAt);
        // Guests have no tokens: their turn is what the venue account plays.
        const result = await askPlayback(
          { ...d, now: this.#now, log: this.#log },
          guest || house ? VENUE_ACCOUNT_ID : driver,
        );
        if (result.kind === 'lost' && house) {
          await d.venue?.setProblem('revoked');
        } else if (result.kind === 'lost') {
          if (guest) {
            // The venue's access is gone, not the guest's: the crew sees it, the guest's turn ends.
            this.#log.warn({ userId: driver }, 'the venue account cannot be polled; the guest’s turn ends');
            await d.venue?.setProblem('revoked');
            await d.line.takeOut(driver, 'turn_over');
            await d.guests?.ended(driver, false);
          } else {
            await d.line.takeOut(driver, result.reason);
          }
          affected.add(driver);
          lineChanged = true;
        } else if (result.kind === 'playback') {
          const answeredAt = this.#now();
          const pb = result.playback;
          const seen = seenIn(pb);
          // A guest's turn shows the venue's answer only once its own play went out, and not while
          // Spotify still reports what played before that play (the hub's command is the truth then).
          const view =
            guest && d.guests ? await d.guests.answerView(turn, pb.kind === 'item' ? pb.item.uri : null) : 'shown';
          playing = view === 'settling' || (view === 'shown' && seen === 'playing');
          await d.budget.answered(requestedAt, answeredAt, seen, predictedEnd(pb, answeredAt));
          if (view === 'shown')
            observation = {
              driver,
              turn,
              playback: pb,
              answeredAt,
              stamp: { fence, requestedAt, changedAt: pb.kind === 'nothing' ? null : pb.changedAt },
            };
          if (
            view === 'shown' &&
            guest &&
            d.guests &&
            snapshot.active &&
            (await d.guests.observed(snapshot.active, turn, pb))
          ) {
            affected.add(driver);
            lineChanged = true;
          }
        }
      }

      // Idle and time limits see what this poll saw (or the last known state when no call was made).
      if (!house) noteTick(await d.line.tick(driver, playing));
      if (lineChanged) {
        snapshot = await d.line.snapshot();
        await settleGuests(snapshot);
      }
    }

    // The line may have changed while Spotify answered (an operator's pause, a skip, published at
    // once by `publishLine`): the draft is built on the line as it is now, so it never undoes that.
    if (called && !lineChanged) {
      const fresh = await d.line.snapshot();
      if (fresh.version !== snapshot.version) {
        snapshot = fresh;
        lineChanged = true;
      }
    }
    // Someone joined while the house music played: they drive now, the next poll yields. The
    // driver's kind is read again only if the line changed.
    let drivesNow = await this.#drivingOn(snapshot, house, lineChanged ? null : kind);
    const sent = await d.publisher.offer(async (published, lineMoved) => {
      // The line changed between this poll's read and its publish (and that change went out):
      // build on the line as it is now, keeping the answer if it is still about its turn.
      if (lineMoved) drivesNow = await this.#drivingOn(await d.line.snapshot(), house, null);
      return {
        ...propose(this.#now(), drivesNow.active, published, observation, drivesNow.kind),
        lineVersion: drivesNow.version,
      };
    });
    const active = drivesNow.active;
    if (lineChanged) await d.events.lineChanged([...affected]);
    await d.budget.pollDone(this.#now());

    let next: number | null = null;
    if (active) {
      const driver = active.user_id;
      const turn = turnId(active);
      next = nextPollAt(
        inputs && inputs.driver === driver && inputs.turn === turn && !called
          ? inputs
          : await this.#inputs(driver, turn),
        d.policy,
      );
    }
    return { called, published: sent?.kind ?? null, nextPollAt: next };
  }

  /**
   * Who drives according to line snapshot `s` (the house music while nobody does), with the
   * driver's kind: `knownKind` when given, else read from their user record.
   */
  async #drivingOn(
    s: LineSnapshot,
    house: ActiveTurn | null,
    knownKind: DriverKind | null,
  ): Promise<{ active: ActiveTurn | null; kind: DriverKind; version: number }> {
    if (!s.active) return { active: house, kind: house ? 'house' : 'spotify', version: s.version };
    return { active: s.active, kind: knownKind ?? (await this.#d.line.kind(s.active.user_id)), version: s.version };
  }

  /** What the line itself changed, published without a poll (see hub-caused.ts). */
  async publishLine(): Promise<void> {
    await this.#hubCaused.publishLine();
  }

  async #inputs(driver: string, turn: string): Promise<PollInputs> {
    const [book, rate] = await Promise.all([this.#d.budget.state(), this.#d.gate.status()]);
    return {
      driver,
      turn,
      last: book.last,
      forceAt: book.forceAt,
      notBefore: Math.max(book.backoffUntil, rate.until ?? 0),
      factor: rate.factor,
    };
  }
}
