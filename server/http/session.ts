/**
 * Server-side sessions in Redis (express-session + connect-redis). The cookie only carries a
 * signed id; OAuth state, the PKCE verifier and who is logged in stay on the server.
 */
import session, { type SessionData } from 'express-session';
import { RedisStore } from 'connect-redis';
import type { RequestHandler } from 'express';
import type { ServerConfig as Config } from '../../shared/config/server.config.js';
import { keys } from '../../shared/redis-keys.js';
import type { RedisClient } from '../../shared/redis.js';
import { StoreUnavailableError } from '../../shared/errors.js';

/** One login that was started and not yet finished, keyed by its `state`. */
export interface PendingLogin {
  verifier: string;
  createdAt: number;
  /** Started by an operator at /operator/venue/connect: completes as the venue account. */
  venue?: boolean;
}

declare module 'express-session' {
  interface SessionData {
    pendingLogins: Record<string, PendingLogin>;
    userId: string;
    displayName: string;
    operator: boolean;
    /** Venue mode: what kind of audience member this session is. */
    kind: 'spotify' | 'guest';
  }
}

export const SESSION_COOKIE = 'nph.sid';
const SESSION_TTL_SECONDS = 12 * 3600;

/** How long an ended session id stays refused: longer than any request can run. */
const ENDED_SESSION_SECONDS = 600;

/**
 * The Redis session store, with one guarantee more: a session that was destroyed (logout) stays
 * gone. A request that loaded it just before the logout and saves it just after would otherwise
 * write it back, logging the person in again; destroy leaves a short-lived tombstone that `set`
 * respects.
 */
export class SessionStore extends RedisStore {
  readonly #redis: RedisClient;

  constructor(redis: RedisClient) {
    super({ client: redis, prefix: keys.sessionPrefix(), ttl: SESSION_TTL_SECONDS });
    this.#redis = redis;
  }

  override async set(sid: string, sess: SessionData, cb?: (err?: unknown, data?: unknown) => void): Promise<unknown> {
    try {
      if ((await this.#redis.exists(keys.endedSession(sid))) > 0) return cb?.();
    } catch (err) {
      return cb?.(err);
    }
    return super.set(sid, sess, cb);
  }

  override async destroy(sid: string, cb?: (err?: unknown, data?: unknown) => void): Promise<unknown> {
    try {
      await this.#redis.set(keys.endedSession(sid), '1', { EX: ENDED_SESSION_SECONDS });
    } catch (err) {
      return cb?.(err);
    }
    return super.destroy(sid, cb);
  }
}

/**
 * The session middleware, wrapped so that a store failure (Redis down) becomes a 503 instead of a
 * request that quietly goes on without a session.
 */
export function createSessionMiddleware(config: Config, redis: RedisClient): RequestHandler {
  const store = new SessionStore(redis);
  const inner = session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    // Secure cookies behind a TLS-terminating proxy: trust X-Forwarded-Proto only when TRUST_PROXY says so.
    proxy: config.trustProxy !== false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      maxAge: SESSION_TTL_SECONDS * 1000,
      path: '/',
    },
  });
  return (req, res, next) => {
    inner(req, res, (err?: unknown) => (err ? next(new StoreUnavailableError(err)) : next()));
  };
}
