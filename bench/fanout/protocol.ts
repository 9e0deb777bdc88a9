/** Messages between the fan-out bench and its client generator processes (over Node's IPC channel). */

export type ToGenerator =
  | { cmd: 'connect'; url: string; count: number; perSecond: number }
  /** Start recording receipts (forgets earlier ones). */
  | { cmd: 'arm' }
  /** Answer every receipt recorded since `arm`, complete or not. */
  | { cmd: 'report' }
  | { cmd: 'disconnect' };

export interface Receipts {
  key: string;
  /** The payload's `server_time`: when the server (or, for the hub, the worker) stamped it. */
  serverTime: number;
  item: string | null;
  /** When each client received it (ms since the epoch). */
  times: number[];
}

export type FromGenerator =
  | { type: 'connected'; connected: number; failed: number; reasons: Record<string, number> }
  /** Every connected client of this generator received the event `key`. */
  | ({ type: 'complete' } & Receipts)
  | { type: 'report'; receipts: Receipts[]; disconnects: number }
  | { type: 'disconnected' };
