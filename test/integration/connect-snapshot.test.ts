/**
 * A crowd connecting at once (a server restart, a Wi-Fi drop) gets the current state from reads
 * shared between the sockets that connected together (server/realtime/connect-snapshot.ts), and
 * every socket still gets its snapshot, complete and in order.
 */
import { io as ioClient, type Socket } from 'socket.io-client';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, useTestHub } from '../helpers/hub.js';
import { jest } from '@jest/globals';
import { NowPlayingStore } from '../../shared/realtime/now-playing-store.js';

const CROWD = 40;

const { hub } = useTestHub();

/** Connects and collects the events of the snapshot, until `until` has arrived. */
function connectAndCollect(extraHeaders: Record<string, string> = {}, until = 'queue') {
  const socket: Socket = ioClient(hub.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { origin: hub.url, ...extraHeaders },
  });
  const events: string[] = [];
  const done = new Promise<string[]>((resolve, reject) => {
    socket.onAny((event: string) => {
      events.push(event);
      if (event === until) resolve(events);
    });
    socket.once('connect_error', reject);
  });
  return { socket, done };
}

test('a crowd connecting at once shares the reads, and each socket gets the whole snapshot in order', async () => {
  // The first read is held until the whole crowd has connected, so every socket that connects
  // meanwhile must wait for the next read: two reads at most, where one per socket would be 40.
  let everyoneConnected!: () => void;
  const crowdIn = new Promise<void>((resolve) => (everyoneConnected = resolve));
  const original = Object.getOwnPropertyDescriptor(NowPlayingStore.prototype, 'current')!.value as (
    this: NowPlayingStore,
  ) => ReturnType<NowPlayingStore['current']>;
  const reads = jest.spyOn(NowPlayingStore.prototype, 'current').mockImplementation(async function (
    this: NowPlayingStore,
  ) {
    await crowdIn;
    return original.call(this);
  });
  const crowd = Array.from({ length: CROWD }, () => connectAndCollect());
  try {
    await Promise.all(crowd.map((c) => new Promise((resolve) => c.socket.once('connect', () => resolve(null)))));
    everyoneConnected();
    const received = await Promise.all(crowd.map((c) => c.done));
    for (const events of received) expect(events).toEqual(['now_playing', 'queue']);
    expect(reads.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(reads.mock.calls.length).toBeLessThanOrEqual(2);
  } finally {
    reads.mockRestore();
    for (const c of crowd) c.socket.close();
  }
});

test('a phone in the line gets its own `you` after the common part, next to anonymous sockets', async () => {
  const cookies = new CookieClient();
  // Logging in joins the line.
  await loginThroughSimulator(cookies, hub.url, 'ada');

  const others = Array.from({ length: 5 }, () => connectAndCollect());
  const phone = connectAndCollect({ cookie: cookies.cookieHeader(hub.url) }, 'you');
  try {
    expect(await phone.done).toEqual(['now_playing', 'queue', 'you']);
    for (const events of await Promise.all(others.map((c) => c.done))) expect(events).toEqual(['now_playing', 'queue']);
  } finally {
    for (const c of [...others, phone]) c.socket.close();
  }
});
