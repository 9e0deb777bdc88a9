/**
 * The session middleware on Socket.IO handshakes (server/realtime/handshake-session.ts): only a
 * same-origin handshake that carries the session cookie loads the session.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { handshakeSession } from '../../server/realtime/handshake-session.js';

function run(url: string, headers: Record<string, string>, originAllowed = true): { sessionRan: boolean } {
  let sessionRan = false;
  const session = ((_req: unknown, _res: unknown, next: () => void) => {
    sessionRan = true;
    next();
  }) as unknown as RequestHandler;
  let nextCalls = 0;
  const middleware = handshakeSession(session, () => originAllowed);
  middleware({ url, headers } as IncomingMessage, {} as ServerResponse, () => nextCalls++);
  expect(nextCalls).toBe(1);
  return { sessionRan };
}

const handshake = '/socket.io/?EIO=4&transport=websocket';

test('a handshake with the session cookie loads the session', () => {
  expect(run(handshake, { cookie: 'nph.sid=s%3Aabc.def' }).sessionRan).toBe(true);
  expect(run(handshake, { cookie: 'theme=dark; nph.sid=s%3Aabc.def' }).sessionRan).toBe(true);
});

test('a handshake without the session cookie creates no session', () => {
  expect(run(handshake, {}).sessionRan).toBe(false);
  expect(run(handshake, { cookie: 'theme=dark' }).sessionRan).toBe(false);
  // A cookie whose name merely ends like ours is someone else's.
  expect(run(handshake, { cookie: 'xnph.sid=s%3Aabc.def' }).sessionRan).toBe(false);
  expect(run(handshake, { cookie: 'nphXsid=s%3Aabc.def' }).sessionRan).toBe(false);
});

test('requests after the handshake and foreign-origin handshakes skip the session', () => {
  expect(run(`${handshake}&sid=abc`, { cookie: 'nph.sid=s%3Aabc.def' }).sessionRan).toBe(false);
  expect(run(handshake, { cookie: 'nph.sid=s%3Aabc.def' }, false).sessionRan).toBe(false);
});
