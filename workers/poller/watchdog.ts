/**
 * Tells a slow poll from a stuck worker. Slow: a cycle is running (Spotify answers late, a token
 * refresh waits) and has not exceeded the longest a cycle can take; nothing to repair. Stuck: no
 * job started anywhere in the fleet for `stallMs` while Redis answers (BullMQ can stay silent after
 * a full Redis restart), or a cycle ran past every time-out; the BullMQ worker is recreated.
 */
export type Verdict = 'ok' | 'slow' | 'stuck';

export interface WatchdogInputs {
  now: number;
  /** When this process's running cycle started, or null when none runs. */
  inFlightSince: number | null;
  /** Latest job start or finished poll anywhere in the fleet (epoch ms, 0 if never). */
  lastFleetActivity: number;
  /** Latest job this process started. */
  lastLocalJob: number;
  stallMs: number;
  /** The longest a cycle can take with every time-out hit (refresh wait, refresh, two calls). */
  maxCycleMs: number;
}

export function watchdogVerdict(i: WatchdogInputs): Verdict {
  if (i.inFlightSince !== null) {
    const running = i.now - i.inFlightSince;
    if (running > i.maxCycleMs) return 'stuck';
    return running > i.stallMs ? 'slow' : 'ok';
  }
  return i.now - Math.max(i.lastFleetActivity, i.lastLocalJob) >= i.stallMs ? 'stuck' : 'ok';
}
