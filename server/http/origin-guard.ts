/**
 * Where a browser request comes from, and whether we accept it (OWASP CSRF and WebSocket cheat
 * sheets): CORS for an explicit list of origins only (never a reflected origin with credentials);
 * state-changing requests and Socket.IO handshakes must come from the hub's own origin, an origin
 * in CORS_ORIGINS, or from a client that is not a browser at all.
 */
import type { IncomingHttpHeaders } from 'node:http';
import cors from 'cors';
import type { RequestHandler } from 'express';
import type { ServerConfig as Config } from '../../shared/config/server.config.js';
import { AppError } from '../../shared/errors.js';
import { SESSION_COOKIE } from './session.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function allowedOrigins(config: Config): Set<string> {
  return new Set([new URL(config.publicUrl).origin, ...config.corsOrigins]);
}

export function corsMiddleware(config: Config): RequestHandler {
  const allowed = allowedOrigins(config);
  return cors({
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    maxAge: 600,
  });
}

/**
 * The origin a browser says the request comes from: `Origin`, else the origin of `Referer`.
 * `undefined` when the request carries neither (not a browser, or a browser told to hide both).
 */
export function claimedOrigin(headers: IncomingHttpHeaders): string | undefined {
  const origin = headers.origin;
  if (typeof origin === 'string') return origin;
  const referer = headers.referer;
  if (typeof referer !== 'string') return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/**
 * True when `origin` is ours: PUBLIC_URL, CORS_ORIGINS, or the very host the browser addressed
 * (a phone that reached the hub by its LAN address). A foreign page cannot make a browser send a
 * Host header naming the hub together with its own origin.
 */
export function isOwnOrigin(origin: string, host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (origin === 'null') return false;
  if (allowed.has(origin)) return true;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

function carriesSessionCookie(headers: IncomingHttpHeaders): boolean {
  return (
    typeof headers.cookie === 'string' &&
    headers.cookie.split(';').some((c) => c.trim().startsWith(`${SESSION_COOKIE}=`))
  );
}

/**
 * Refuses a state-changing request from a foreign origin. Without Origin, Referer decides. With
 * neither, a request that carries our session cookie is refused (a browser hiding where it comes
 * from must not ride on the cookie), while cookie-less clients (scripts with a Bearer token,
 * TouchDesigner) pass.
 */
export function originGuard(config: Config): RequestHandler {
  const allowed = allowedOrigins(config);
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = claimedOrigin(req.headers);
    if (origin === undefined)
      return carriesSessionCookie(req.headers) ? next(new AppError('origin_not_allowed')) : next();
    if (isOwnOrigin(origin, req.headers.host, allowed)) return next();
    next(new AppError('origin_not_allowed'));
  };
}

/**
 * Socket.IO `allowRequest`: a handshake from a browser page of another origin is refused before any
 * namespace sees the session cookie (cross-site WebSocket hijacking). Clients without Origin (the
 * bridge, TouchDesigner, scripts) pass and authenticate by token.
 */
export function handshakeOriginCheck(config: Config): (headers: IncomingHttpHeaders) => boolean {
  const allowed = allowedOrigins(config);
  return (headers) => {
    const origin = headers.origin;
    if (origin === undefined) return true;
    return isOwnOrigin(origin, headers.host, allowed);
  };
}
