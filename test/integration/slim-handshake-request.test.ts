/**
 * Each connection keeps a slim copy of its handshake request (server/realtime/slim-handshake-request.ts)
 * instead of the IncomingMessage: namespaces joined later over the same connection still see the
 * headers, the client's address and the session.
 */
import { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Manager } from 'socket.io-client';
import type { Socket as ServerSocket } from 'socket.io';
import { clientIpResolver } from '../../server/http/client-ip.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, useTestHub } from '../helpers/hub.js';

const { hub } = useTestHub({ env: { TRUST_PROXY: '1' } });

/** The server's side of the next socket that connects to `namespace`. */
function nextServerSocket(namespace: string): Promise<ServerSocket> {
  return new Promise((resolve) => hub.server.io.of(namespace).once('connection', resolve));
}

function managerFor(headers: Record<string, string>): Manager {
  return new Manager(hub.url, { transports: ['websocket'], reconnection: false, extraHeaders: headers });
}

it('keeps the headers and the client’s address, not the request', async () => {
  const manager = managerFor({ origin: hub.url, 'x-forwarded-for': '203.0.113.9' });
  const server = nextServerSocket('/');
  const client = manager.socket('/');
  try {
    const socket = await server;
    expect(socket.request).not.toBeInstanceOf(IncomingMessage);
    expect((socket.request as { rawHeaders?: unknown }).rawHeaders).toBeUndefined();
    expect(socket.handshake.headers['x-forwarded-for']).toBe('203.0.113.9');
    expect(socket.handshake.secure).toBe(false);
    expect(clientIpResolver(1)(socket.request)).toBe('203.0.113.9');
  } finally {
    client.close();
  }
});

it('keeps a logged-in phone’s session, and its headers for namespaces joined later on the same connection', async () => {
  const phoneCookies = new CookieClient();
  await loginThroughSimulator(phoneCookies, hub.url, 'ada');
  const manager = managerFor({ origin: hub.url, cookie: phoneCookies.cookieHeader(hub.url) });

  const home = nextServerSocket('/');
  const phone = manager.socket('/');
  const onHome = await home;
  expect(onHome.data.userId).toBe('ada');
  // express-session's Session points back at the whole request: only its data is kept.
  const session = (onHome.request as { session?: object }).session;
  expect(Object.getPrototypeOf(session)).toBe(Object.prototype);

  const crew = nextServerSocket('/operator');
  const board = manager.socket('/operator', { auth: { token: 'operator-token-for-tests' } });
  const onCrew = await crew;
  expect(onCrew.conn).toBe(onHome.conn);
  expect(onCrew.handshake.headers.cookie).toBe(phoneCookies.cookieHeader(hub.url));
  expect((onCrew.request as { sessionID?: string }).sessionID).toBe(
    (onHome.request as { sessionID?: string }).sessionID,
  );
  phone.close();
  board.close();
});

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Weak references to the handshake requests of the next connections (noted by a last middleware). */
function watchRequests(): WeakRef<IncomingMessage>[] {
  const seen: WeakRef<IncomingMessage>[] = [];
  hub.server.io.engine.use((req: IncomingMessage, _res: unknown, next: () => void) => {
    seen.push(new WeakRef(req));
    next();
  });
  return seen;
}

it('lets the handshake request go once the connection is open, over WebSocket and after an upgrade from polling', async () => {
  const seen = watchRequests();
  const direct = managerFor({ origin: hub.url });
  const upgraded = new Manager(hub.url, {
    transports: ['polling', 'websocket'],
    reconnection: false,
    extraHeaders: { origin: hub.url },
  });
  const sockets = [direct.socket('/'), upgraded.socket('/')];
  try {
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.once('connect', () => resolve()))));
    if (upgraded.engine.transport.name !== 'websocket')
      await new Promise<void>((resolve) => upgraded.engine.once('upgrade', () => resolve()));
    expect(seen.length).toBeGreaterThanOrEqual(3);
    // Let the upgrade's own request finish on the server before looking.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(seen.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    for (const s of sockets) expect(s.connected).toBe(true);
  } finally {
    for (const s of sockets) s.close();
  }
});
