/**
 * HTTP face of the simulated Spotify. Under one root it serves:
 * - `/accounts/authorize` and `/accounts/api/token`: the accounts service (accounts-routes.ts);
 * - `/api/v1/...`: the Web API endpoints the hub uses: me and currently-playing
 *   (web-api-routes.ts), the catalog (catalog-routes.ts) and the player (player-routes.ts);
 * - `/images/:id/:size.png`: generated album art (art-routes.ts);
 * - `/control/...`: a JSON API for tests and demos to steer playback, tokens and faults
 *   (control-routes.ts, player-control-routes.ts).
 */
import express, { type Router } from 'express';
import { createAccountsRouter } from './accounts-routes.js';
import { createArtRouter } from './art-routes.js';
import { createCatalogRouter } from './catalog-routes.js';
import { createControlRouter } from './control-routes.js';
import { escapeHtml, page } from './html.js';
import { createPlayerControlRouter } from './player-control-routes.js';
import { createPlayerRouter } from './player-routes.js';
import type { SimulatorState } from './simulator-state.js';
import { apiError } from './web-api-guard.js';
import { createWebApiRouter } from './web-api-routes.js';

export interface SimulatorAppOptions {
  /** Where this router is mounted ('' standalone, '/sim' inside the hub in demo mode). */
  readonly mountPath?: string;
}

export function createSimulatorRouter(state: SimulatorState, options: SimulatorAppOptions = {}): Router {
  const mount = options.mountPath ?? '';
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.use(express.json({ limit: '16kb' }));

  router.use(createAccountsRouter(state, mount));
  router.use(createWebApiRouter(state, mount));
  router.use(createCatalogRouter(state, mount));
  router.use(createPlayerRouter(state, mount));
  router.use('/api', (_req, res) => apiError(res, 404, 'Service not found'));
  router.use(createArtRouter(state));
  router.use(createPlayerControlRouter(state));
  router.use('/control', createControlRouter(state));

  router.get('/', (_req, res) => {
    const at = escapeHtml(mount);
    res
      .type('html')
      .send(
        page(
          'Spotify simulator',
          `<main><h1>Spotify simulator</h1><p>Accounts service at <code>${at}/accounts</code>, Web API at <code>${at}/api</code>, control API at <code>${at}/control</code>.</p></main>`,
        ),
      );
  });

  return router;
}
