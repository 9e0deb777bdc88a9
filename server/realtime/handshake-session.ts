/**
 * The session middleware for Socket.IO, run on the handshake only: a socket's identity is fixed
 * when it connects (logout ends its sockets explicitly), and later polling requests need no
 * Redis read. Handshakes from a foreign origin are refused by `allowRequest` anyway; they are not
 * even given the session.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

type EngineMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

export function handshakeSession(
  session: RequestHandler,
  originAllowed: (headers: IncomingHttpHeaders) => boolean,
): EngineMiddleware {
  return (req, res, next) => {
    const isHandshake = !new URL(req.url ?? '/', 'http://hub.invalid').searchParams.has('sid');
    if (!isHandshake || !originAllowed(req.headers)) return next();
    (session as unknown as EngineMiddleware)(req, res, next);
  };
}
