/**
 * The bridge's local side: the last known `now_playing` and `queue`, re-emitted as OSC and over
 * the plain WebSocket. The live bridge feeds it from the hub; `npm run replay` feeds it from a
 * recorded show. Both share this one module, so a rehearsal sees exactly what a show sees.
 */
import type { QueueSummary } from '../../shared/events.js';
import { extrapolate, isStale, type NowPlaying } from '../../shared/hub-state/index.js';
import type { Logger } from '../../shared/logger.js';
import { OscOutput } from './osc-output.js';
import { WsOutput, type BridgeEvent } from './ws-output.js';

export interface BridgeOutputsOptions {
  oscHost: string;
  oscPort: number;
  oscRateHz: number;
  wsPort: number;
  wsHost?: string;
  log: Logger;
  /** The hub's clock as best known here (progress is valid at `server_time` on that clock). */
  hubNow: () => number;
  /** How fast progress moves between events: 1 live, X when a show is replayed at speed X. */
  progressRate?: number;
}

export class BridgeOutputs {
  readonly #osc: OscOutput;
  readonly #ws: WsOutput;
  #nowPlaying: NowPlaying | null = null;
  #queue: QueueSummary | null = null;
  #wsPort = 0;

  private constructor(options: BridgeOutputsOptions) {
    const rate = options.progressRate ?? 1;
    const view = {
      nowPlaying: () => this.#nowPlaying,
      queueLength: () => this.#queue?.length ?? 0,
      progressMs: () => (this.#nowPlaying ? extrapolate(this.#nowPlaying, options.hubNow(), rate) : 0),
    };
    this.#osc = new OscOutput({
      host: options.oscHost,
      port: options.oscPort,
      rateHz: options.oscRateHz,
      view,
      log: options.log,
    });
    this.#ws = new WsOutput({
      port: options.wsPort,
      ...(options.wsHost ? { host: options.wsHost } : {}),
      log: options.log,
      current: () => {
        const out: BridgeEvent[] = [];
        if (this.#nowPlaying) out.push({ event: 'now_playing', data: this.#nowPlaying });
        if (this.#queue) out.push({ event: 'queue', data: this.#queue });
        return out;
      },
    });
  }

  /** Binds the WebSocket port and opens the OSC socket. */
  static async start(options: BridgeOutputsOptions): Promise<BridgeOutputs> {
    const outputs = new BridgeOutputs(options);
    outputs.#wsPort = await outputs.#ws.listening();
    await outputs.#osc.start();
    return outputs;
  }

  get wsPort(): number {
    return this.#wsPort;
  }

  /** Takes a `now_playing` unless it is older than the one held (a late keyframe after a change). */
  nowPlaying(p: NowPlaying): boolean {
    if (isStale(this.#nowPlaying, p)) return false;
    this.#nowPlaying = p;
    this.#osc.update();
    this.#ws.broadcast({ event: 'now_playing', data: p });
    return true;
  }

  queue(q: QueueSummary): void {
    this.#queue = q;
    this.#osc.sendMetadata();
    this.#ws.broadcast({ event: 'queue', data: q });
  }

  async close(): Promise<void> {
    this.#osc.close();
    await this.#ws.close();
  }
}
