/**
 * CORS for an explicit list of origins only (never a reflected origin with credentials), and a
 * same-origin check on state-changing requests as a second line of defence against CSRF behind
 * SameSite=Lax cookies.
 */
import cors from 'cors';
import type { RequestHandler } from 'express';
import type { Config } from '../../shared/config.js';
import { AppError } from '../../shared/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function allowedOrigins(config: Config): Set<string> {
  return new Set([new URL(config.publicUrl).origin, ...config.corsOrigins]);
}

export function corsMiddleware(config: Config): RequestHandler {
  const allowed = allowedOrigins(config);
  return cors({
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
    credentials: true,
    methods: ['GET', 'POST', 'PUT'],
    maxAge: 600,
  });
}

export function originGuard(config: Config): RequestHandler {
  const allowed = allowedOrigins(config);
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get('origin');
    // No Origin header: not a browser cross-site request (curl, TouchDesigner, server-side scripts).
    if (origin === undefined) return next();
    const own = `${req.protocol}://${req.get('host') ?? ''}`;
    if (origin === own || allowed.has(origin)) return next();
    next(new AppError('origin_not_allowed'));
  };
}
