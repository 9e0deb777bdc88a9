/**
 * `createApp(deps)` builds the HTTP app: middleware and routes, no listening and no globals.
 * The composition root (server/index.ts) and the tests supply the dependencies.
 */
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { DEMO_SIMULATOR_PATH } from '../shared/config.js';
import type { AppDeps } from './deps.js';
import { authRoutes } from './auth/auth.routes.js';
import { meRoutes } from './api/me.routes.js';
import { catalogProxyRoutes } from './api/catalog-proxy.js';
import { errorMiddleware, notFound } from './http/errors.middleware.js';
import { corsMiddleware, originGuard } from './http/origin-guard.js';
import { requestLogger } from './http/request-logger.js';
import { createSessionMiddleware } from './http/session.js';
import { localOrToken } from './http/local-or-token.js';
import { venueRoutes } from './venue/venue.routes.js';
import { guestRoutes } from './venue/guest.routes.js';

export interface CreatedApp {
  app: Express;
  /** The same session middleware, for Socket.IO (`io.engine.use`). */
  sessionMiddleware: RequestHandler;
}

export interface AppExtensions {
  /** Routes mounted before the session (health, metrics): they must work while Redis is down. */
  readonly infrastructure?: express.Router;
  /** Pages and their assets: after the security headers, before the session (no Redis needed). */
  readonly pages?: express.Router;
  /** Routes that need the session (operator API). */
  readonly routes?: readonly express.Router[];
}

export function createApp(deps: AppDeps, extensions: AppExtensions = {}): CreatedApp {
  const { config, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(requestLogger(log));
  if (extensions.infrastructure) app.use(extensions.infrastructure);

  // The simulated Spotify is its own site with its own pages; the hub's CSP does not apply to it.
  // Its control API can revoke tokens and inject faults: this machine or the operator token only.
  if (deps.simulator) {
    app.use(`${DEMO_SIMULATOR_PATH}/control`, localOrToken(config.operatorToken, 'The simulator’s control API'));
    app.use(DEMO_SIMULATOR_PATH, deps.simulator);
  }

  const https = config.publicUrl.startsWith('https:');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'https://i.scdn.co', 'https://*.spotifycdn.com', 'https://mosaic.scdn.co'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          // On a plain-http venue network an upgrade would break every request.
          ...(https ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: https ? { maxAge: 15552000 } : false,
      crossOriginEmbedderPolicy: false,
      // Same-origin requests keep a real Origin header (a form POST under `no-referrer` sends
      // `Origin: null`, which the CSRF check must refuse); other sites still learn nothing.
      referrerPolicy: { policy: 'same-origin' },
    }),
  );

  if (extensions.pages) app.use(extensions.pages);
  const sessionMiddleware = createSessionMiddleware(config, deps.redis);
  app.use('/api', corsMiddleware(config));
  app.use(originGuard(config));
  app.use(express.json({ limit: '16kb' }));
  app.use(sessionMiddleware);

  app.use(authRoutes(deps));
  app.use(meRoutes(deps));
  app.use(catalogProxyRoutes(deps));
  app.use(venueRoutes(deps));
  app.use(guestRoutes(deps));
  for (const router of extensions.routes ?? []) app.use(router);

  app.use(notFound);
  app.use(errorMiddleware(log));
  return { app, sessionMiddleware };
}
