/**
 * The session middleware for Socket.IO, run on the handshake only: a socket's identity is fixed
 * when it connects (logout ends its sockets explicitly), and later polling requests need no
 * Redis read. Handshakes from a foreign origin are refused by `allowRequest` anyway; they are not
 * even given the session.
 *
 * A handshake without the session cookie (a display, a phone that never logged in) has no session
 * to load, and running the middleware anyway would create an empty one: a session object, an id,
 * a cookie and closures around the response, all kept for the socket's life with the handshake
 * request (a third of a connection's heap). Such sockets are anonymous, as they would be anyway.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { SESSION_COOKIE } from '../http/session.js';

const carriesSession = new RegExp(`(?:^|;)\\s*${SESSION_COOKIE.replace('.', '\\.')}=`);

type EngineMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

export function handshakeSession(
  session: RequestHandler,
  originAllowed: (headers: IncomingHttpHeaders) => boolean,
): EngineMiddleware {
  return (req, res, next) => {
    const isHandshake = !new URL(req.url ?? '/', 'http://hub.invalid').searchParams.has('sid');
    if (!isHandshake || !originAllowed(req.headers)) return next();
    if (!carriesSession.test(req.headers.cookie ?? '')) return next();
    (session as unknown as EngineMiddleware)(req, res, next);
  };
}
