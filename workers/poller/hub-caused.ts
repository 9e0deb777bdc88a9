/**
 * Changes the hub itself causes are published at once, not after Spotify reports them back: a new
 * turn, an operator's pause or resume, a held clock (the line's own state), and the pick the venue
 * was just told to play. Kept apart from the poll cycle because it never calls Spotify: the poll
 * cycle uses it before its call, and a job that finds the poll lock taken uses it alone
 * (`publishLine`). Each publish is optimistic and ordered, so it is safe beside a poll in flight.
 */
import type { DriverKind } from '../../shared/events.js';
import type { ActiveTurn, Line } from '../../shared/queue/line.js';
import type { NowPlayingStore } from '../../shared/realtime/now-playing-store.js';
import { pickAsItem } from '../../shared/venue/catalog-search.js';
import { propose, turnId, type Observation } from './draft.js';
import type { PrepareResult } from './guest-turns.js';
import type { NowPlayingPublisher } from './now-playing-publisher.js';

export interface HubCausedDeps {
  line: Line;
  store: NowPlayingStore;
  publisher: NowPlayingPublisher;
  now: () => number;
}

export interface HubCaused {
  /**
   * Shows the line's own change for whoever drives (changes only: an unchanged line sends nothing).
   * `lineVersion`: the version of the line `driving` was read from; if the line has changed since,
   * nothing is published (whoever changed it publishes that).
   */
  showLine(driving: ActiveTurn, kind: DriverKind, lineVersion: number): Promise<void>;
  /** The same, reading the line as it is now; nobody driving is the poll's to decide. */
  publishLine(): Promise<void>;
  /** Publishes the first pick the venue was just told to play, as if Spotify had reported it. */
  showPlayed(active: ActiveTurn, played: NonNullable<PrepareResult['played']>): Promise<void>;
}

export function hubCaused({ line, store, publisher, now }: HubCausedDeps): HubCaused {
  const showLine = async (driving: ActiveTurn, kind: DriverKind, lineVersion: number) => {
    await publisher.offer(
      (published, lineMoved) => (lineMoved ? null : { ...propose(now(), driving, published, null, kind), lineVersion }),
      { changesOnly: true },
    );
  };
  return {
    showLine,
    async publishLine() {
      const snapshot = await line.snapshot();
      if (!snapshot.active) return;
      await showLine(snapshot.active, await line.kind(snapshot.active.user_id), snapshot.version);
    },
    async showPlayed(active, played) {
      const first = played.picks[0];
      if (!first) return;
      const fence = await store.nextFence();
      const observation: Observation = {
        driver: active.user_id,
        turn: turnId(active),
        playback: { kind: 'item', item: pickAsItem(first), isPlaying: true, progressMs: 0, changedAt: played.at },
        answeredAt: played.at,
        stamp: { fence, requestedAt: played.at, changedAt: played.at },
      };
      // The line's clock may have been released by the same step: read the turn as it is now (and
      // again if it changes before the publish).
      await publisher.offer(async (published) => {
        const snapshot = await line.snapshot();
        if (snapshot.active?.user_id !== active.user_id || turnId(snapshot.active) !== turnId(active)) return null;
        return { ...propose(now(), snapshot.active, published, observation, 'guest'), lineVersion: snapshot.version };
      });
    },
  };
}
