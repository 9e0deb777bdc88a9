/**
 * Who gets which event, and what a socket gets the moment it connects: docs/protocol.md's table
 * of namespaces, as data. The fan-out (shared/realtime/fanout.ts) and the connect-time send
 * (server/realtime/sockets.ts) both read it, so a reconnecting client gets exactly what it would
 * have been sent while connected.
 */
import type { Health, QueueFull, QueueSummary, YouStatus } from '../events.js';
import type { NowPlaying } from './now-playing.js';

export const NAMESPACES = ['/', '/operator', '/bridge'] as const;
export type NamespaceName = (typeof NAMESPACES)[number];

/** The hub's state as clients receive it, one payload per event. */
export interface HubStatePayloads {
  now_playing: NowPlaying;
  /** The line as everyone sees it. */
  queue: QueueSummary;
  /** One user's own place in the line (sent to that user only). */
  you: YouStatus;
  /** The line with everyone in it (operators). */
  queue_full: QueueFull;
  health: Health;
}
export type HubStateEvent = keyof HubStatePayloads;

/** The namespaces each event reaches, in the order a connecting socket is sent them. */
export const EVENT_NAMESPACES: { readonly [E in HubStateEvent]: readonly NamespaceName[] } = {
  now_playing: NAMESPACES,
  queue: NAMESPACES,
  you: ['/'],
  queue_full: ['/operator'],
  health: ['/operator'],
};

/** The events a socket of `namespace` is sent on connect, in order. */
export function snapshotEvents(namespace: NamespaceName): HubStateEvent[] {
  return (Object.keys(EVENT_NAMESPACES) as HubStateEvent[]).filter((e) => EVENT_NAMESPACES[e].includes(namespace));
}

export type SnapshotMessage = { [E in HubStateEvent]: { event: E; data: HubStatePayloads[E] } }[HubStateEvent];

/**
 * The snapshot a socket of `namespace` is sent on connect: every event the namespace receives, in
 * order, from `state`. A part that is absent is not sent (`you` for a phone nobody logged in on).
 * Parts the namespace does not receive are left out even when given.
 */
export function connectSnapshot(namespace: NamespaceName, state: Partial<HubStatePayloads>): SnapshotMessage[] {
  const out: SnapshotMessage[] = [];
  for (const event of snapshotEvents(namespace)) {
    const data = state[event];
    if (data !== undefined) out.push({ event, data } as SnapshotMessage);
  }
  return out;
}
