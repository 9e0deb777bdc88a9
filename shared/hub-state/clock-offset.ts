/**
 * The offset between a client's clock and the hub's, from `ping_time`/`pong_time` round trips
 * (NTP's idea, simplified): offset = server_time − (sent + rtt/2). That is exact when the two legs
 * take equally long and off by at most rtt/2 otherwise, so among the recent samples the one with
 * the shortest round trip wins. Recent only: a network that got slower (or a clock that was set)
 * must not be judged by a sample from long ago. The pages and the bridge both keep time with this.
 */

/** One answered ping. */
export interface ClockSample {
  offsetMs: number;
  rttMs: number;
}

/** How many recent samples are weighed. */
export const CLOCK_SAMPLES_KEPT = 8;
/** A round trip longer than this says too little about the offset (its error bound is rtt/2). */
export const CLOCK_MAX_RTT_MS = 10_000;

/** The sample a round trip gives, or null when it cannot be right (negative or too long). */
export function clockSample(sentAt: number, receivedAt: number, serverTime: number): ClockSample | null {
  const rtt = receivedAt - sentAt;
  if (!Number.isFinite(rtt) || !Number.isFinite(serverTime) || rtt < 0 || rtt > CLOCK_MAX_RTT_MS) return null;
  return { offsetMs: serverTime - (sentAt + rtt / 2), rttMs: rtt };
}

/** The hub's clock as estimated on this side; `now` is the local clock (injected, so tests skew it). */
export class HubClock {
  readonly #now: () => number;
  #samples: ClockSample[] = [];
  /** The estimate when the samples were last forgotten: it stands until a new sample arrives. */
  #held = 0;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Local time now (this side's own clock, possibly wrong): what `ping_time.client_time` carries. */
  localNow(): number {
    return this.#now();
  }

  /** The hub's clock now, as best estimated (the local clock until a sample arrives). */
  hubNow(): number {
    return this.#now() + this.offsetMs();
  }

  /** The offset of the recent sample with the shortest round trip (before any: 0, or the one held). */
  offsetMs(): number {
    if (this.#samples.length === 0) return this.#held;
    return this.#samples.reduce((best, s) => (s.rttMs < best.rttMs ? s : best)).offsetMs;
  }

  hasSample(): boolean {
    return this.#samples.length > 0;
  }

  /** Records a `pong_time`: `sentAt` is its `client_time`, received now. False when it was unusable. */
  record(sentAt: number, serverTime: number): boolean {
    const sample = clockSample(sentAt, this.#now(), serverTime);
    if (!sample) return false;
    this.#samples.push(sample);
    if (this.#samples.length > CLOCK_SAMPLES_KEPT) this.#samples.shift();
    return true;
  }

  /**
   * A new connection may take another route: its samples start afresh. The current estimate holds
   * until the first of them, so progress does not jump by the clock's skew meanwhile.
   */
  reset(): void {
    this.#held = this.offsetMs();
    this.#samples = [];
  }
}
