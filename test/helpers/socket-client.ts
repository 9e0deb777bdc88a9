/**
 * A real socket.io-client that records every event from the moment it connects, so a test can
 * wait for "the next event matching X" without racing the server.
 */
import { io, type Socket } from 'socket.io-client';
import type { ServerToClientEvents } from '../../shared/events.js';

type EventName = keyof ServerToClientEvents;
type Payload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

interface Waiter {
  event: EventName;
  match: (p: unknown) => boolean;
  resolve: (p: unknown) => void;
}

export class RecordingSocket {
  readonly socket: Socket;
  readonly events: { event: EventName; payload: unknown; at: number }[] = [];
  #waiters: Waiter[] = [];

  constructor(url: string, options: { auth?: Record<string, string>; cookie?: string } = {}) {
    this.socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.cookie ? { extraHeaders: { cookie: options.cookie } } : {}),
    });
    this.socket.onAny((event: EventName, payload: unknown) => {
      this.events.push({ event, payload, at: Date.now() });
      for (const w of [...this.#waiters]) {
        if (w.event === event && w.match(payload)) {
          this.#waiters = this.#waiters.filter((x) => x !== w);
          w.resolve(payload);
        }
      }
    });
  }

  /** Resolves with the first event (already received after `since`, or future) that matches. */
  next<E extends EventName>(
    event: E,
    match: (p: Payload<E>) => boolean = () => true,
    timeoutMs = 15_000,
    since = 0,
  ): Promise<Payload<E>> {
    const seen = this.events.find((e) => e.at >= since && e.event === event && match(e.payload as Payload<E>));
    if (seen) return Promise.resolve(seen.payload as Payload<E>);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        event,
        match: (p) => match(p as Payload<E>),
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p as Payload<E>);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((x) => x !== waiter);
        reject(new Error(`no matching "${event}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (err) => reject(err));
    });
  }

  close(): void {
    this.socket.close();
  }
}
