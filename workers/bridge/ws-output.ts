/**
 * A plain WebSocket server for TouchDesigner's WebSocket DAT: one JSON text message per event
 * (`{"event":"now_playing","data":{...}}`), and the current state at once to a new client.
 */
import { WebSocketServer, WebSocket } from 'ws';
import type { NowPlaying, QueueSummary } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';

export type BridgeEvent = { event: 'now_playing'; data: NowPlaying } | { event: 'queue'; data: QueueSummary };

export class WsOutput {
  readonly #server: WebSocketServer;
  readonly #current: () => BridgeEvent[];

  constructor(options: { port: number; host?: string; current: () => BridgeEvent[]; log: Logger }) {
    this.#current = options.current;
    this.#server = new WebSocketServer({
      port: options.port,
      host: options.host ?? '0.0.0.0',
      perMessageDeflate: false,
      maxPayload: 64 * 1024,
    });
    this.#server.on('error', (err) =>
      options.log.error({ err: { message: err.message } }, 'bridge WebSocket server error'),
    );
    this.#server.on('connection', (ws) => {
      ws.on('error', () => ws.terminate());
      for (const e of this.#current()) ws.send(JSON.stringify(e));
    });
  }

  listening(): Promise<number> {
    return new Promise((resolve, reject) => {
      const address = this.#server.address();
      if (address && typeof address === 'object') return resolve(address.port);
      this.#server.once('listening', () => {
        const a = this.#server.address();
        resolve(a && typeof a === 'object' ? a.port : 0);
      });
      this.#server.once('error', reject);
    });
  }

  broadcast(e: BridgeEvent): void {
    const text = JSON.stringify(e);
    for (const client of this.#server.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
  }

  close(): Promise<void> {
    for (const client of this.#server.clients) client.terminate();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
