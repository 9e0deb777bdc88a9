/**
 * Routes for the machine's own tools (Prometheus on the host, the demo simulator's control API):
 * a caller on loopback that did not come through a proxy, or one presenting the right Bearer token.
 */
import type { RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';
import { safeEqual } from '../../shared/spotify/pkce.js';
import { isDirectLoopback } from './client-ip.js';

export function localOrToken(token: string | null, what: string): RequestHandler {
  return (req, _res, next) => {
    if (isDirectLoopback(req)) return next();
    const auth = req.get('authorization');
    if (token !== null && auth?.startsWith('Bearer ') === true && safeEqual(auth.slice(7), token)) return next();
    next(new AppError('forbidden', { message: `${what} answers this machine only, or a caller with its token.` }));
  };
}
