/**
 * Estimates the offset between the bridge's clock and the hub's from `ping_time`/`pong_time`
 * round trips (NTP's idea, simplified): offset = server_time − (sent + rtt/2). The sample with
 * the shortest round trip among the recent ones wins, as it bounds the error best.
 */
export interface ClockSample {
  offsetMs: number;
  rttMs: number;
}

const KEEP = 8;

export class ClockSync {
  readonly #now: () => number;
  #samples: ClockSample[] = [];

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Local time now (the bridge's own clock, possibly wrong). */
  localNow(): number {
    return this.#now();
  }

  /** The hub's clock now, as best estimated. */
  hubNow(): number {
    return this.#now() + this.offsetMs();
  }

  offsetMs(): number {
    if (this.#samples.length === 0) return 0;
    return this.#samples.reduce((best, s) => (s.rttMs < best.rttMs ? s : best)).offsetMs;
  }

  hasSample(): boolean {
    return this.#samples.length > 0;
  }

  /** Records one answered ping; `sentAt` is the local time it was sent. */
  record(sentAt: number, serverTime: number): void {
    const receivedAt = this.#now();
    const rtt = receivedAt - sentAt;
    if (rtt < 0 || rtt > 10_000) return;
    this.#samples.push({ offsetMs: serverTime - (sentAt + rtt / 2), rttMs: rtt });
    if (this.#samples.length > KEEP) this.#samples.shift();
  }

  reset(): void {
    this.#samples = [];
  }
}
