/**
 * The venue account (PROTOCOL.md "Venue mode"): the operator connects one Spotify account with the
 * player scopes through the same PKCE + single-use `state` machinery as audience logins; the same
 * `/callback` completes it (`completeVenueLogin`). Its tokens are sealed like the others and never
 * joined to the line.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { VENUE_SCOPES } from '../../shared/config.js';
import { AppError } from '../../shared/errors.js';
import { codeChallengeS256, createCodeVerifier, createState } from '../../shared/spotify/pkce.js';
import { PlayerClient, type PlayerDevice } from '../../shared/spotify/player-client.js';
import { SpotifyError } from '../../shared/spotify/spotify-error.js';
import { userSchema } from '../../shared/spotify/schemas.js';
import { VENUE_ACCOUNT_ID, VenueStore, type VenueProblem } from '../../shared/venue/venue-store.js';
import { venueProblemOf } from '../../shared/venue/venue-problem.js';
import type { PendingLogin } from '../http/session.js';
import type { AppDeps } from '../deps.js';
import { limit } from '../http/rate-limits.js';
import { saveSession } from '../http/session-helpers.js';
import { operatorCheck } from './operator-auth.js';
import { readCallbackAnswer } from '../auth/callback-answer.js';

const PENDING_LOGIN_TTL_MS = 10 * 60_000;
const MAX_PENDING_LOGINS = 5;

const deviceBody = z.object({ deviceId: z.string().min(1).max(256) });
const productSchema = userSchema.extend({ product: z.string().nullish() });

/** `GET /api/operator/venue` */
export interface VenueStatus {
  connected: boolean;
  account: { id: string; display_name: string } | null;
  device: { id: string; name: string; type: string } | null;
  devices: { id: string; name: string; type: string; is_active: boolean }[];
  problem: VenueProblem | null;
}

export { venueProblemOf } from '../../shared/venue/venue-problem.js';

/** The venue's player client and store, built once per app from its dependencies. */
export function venueServices(deps: AppDeps): { store: VenueStore; player: PlayerClient } {
  return {
    store: new VenueStore(deps.redis, deps.tokens),
    player: new PlayerClient({ apiUrl: deps.config.spotify.apiUrl, tokens: deps.refresher, gate: deps.spotifyGate }),
  };
}

export function venueRoutes(deps: AppDeps): Router {
  const router = Router();
  const requireOperator = operatorCheck(deps);
  const { store, player } = venueServices(deps);

  router.get(
    '/operator/venue/connect',
    limit({ budget: deps.budgets.login, key: (req) => deps.clientIp(req) }),
    async (req, res) => {
      await requireOperator(req);
      const verifier = createCodeVerifier();
      const state = createState();
      const now = Date.now();
      const live = Object.entries(req.session.pendingLogins ?? {})
        .filter(([, p]) => now - p.createdAt < PENDING_LOGIN_TTL_MS)
        .sort(([, a], [, b]) => b.createdAt - a.createdAt)
        .slice(0, MAX_PENDING_LOGINS - 1);
      const entry: PendingLogin = { verifier, createdAt: now, venue: true };
      req.session.pendingLogins = { ...Object.fromEntries(live), [state]: entry };
      await saveSession(req);
      const url = new URL(deps.accounts.authorizeUrl({ state, codeChallenge: codeChallengeS256(verifier) }));
      url.searchParams.set('scope', VENUE_SCOPES.join(' '));
      res.redirect(302, url.toString());
    },
  );

  async function currentProduct(): Promise<string | null> {
    const { tokens } = await deps.refresher.fresh(VENUE_ACCOUNT_ID);
    let answer: unknown;
    try {
      answer = await deps.webApi.get('/v1/me', tokens.accessToken);
    } catch (err) {
      if (!(err instanceof SpotifyError && err.code === 'unauthorized')) throw err;
      const again = await deps.refresher.fresh(VENUE_ACCOUNT_ID, tokens.accessToken);
      answer = await deps.webApi.get('/v1/me', again.tokens.accessToken);
    }
    const me = productSchema.safeParse(answer);
    return me.success ? (me.data.product ?? null) : null;
  }

  async function status(): Promise<VenueStatus> {
    const account = await store.account();
    if (!account) return { connected: false, account: null, device: null, devices: [], problem: null };
    const base = { connected: true, account: { id: account.id, display_name: account.display_name } };
    if (!(await store.hasTokens())) return { ...base, device: null, devices: [], problem: 'revoked' };
    let devices: PlayerDevice[];
    try {
      // The product can change after connecting (a lapsed Premium): read it with the devices.
      devices = await player.devices(VENUE_ACCOUNT_ID);
      const product = await currentProduct();
      if (product !== account.product) {
        account.product = product;
        await store.setProduct(product);
      }
    } catch (err) {
      const problem = venueProblemOf(err);
      if (problem === null) throw mapSpotify(err);
      return { ...base, device: null, devices: [], problem };
    }
    const chosen = devices.find((d) => d.id === account.device_id) ?? devices.find((d) => d.is_active) ?? null;
    let problem: VenueProblem | null = null;
    if (account.product !== null && account.product !== 'premium') problem = 'premium_required';
    else if (!chosen) problem = 'no_device';
    else if (account.problem === 'premium_required' || account.problem === 'rate_limited') problem = account.problem;
    return {
      ...base,
      device: chosen ? { id: chosen.id, name: chosen.name, type: chosen.type } : null,
      devices: devices.map((d) => ({ id: d.id, name: d.name, type: d.type, is_active: d.is_active })),
      problem,
    };
  }

  router.get('/api/operator/venue', async (req, res) => {
    await requireOperator(req);
    res.set('Cache-Control', 'no-store').json(await status());
  });

  router.put('/api/operator/venue/device', async (req, res) => {
    await requireOperator(req);
    const body = deviceBody.safeParse(req.body);
    if (!body.success)
      throw new AppError('invalid_body', {
        message: 'Send {"deviceId":"…"} with a device id from GET /api/operator/venue.',
      });
    if (!(await store.account())) throw new AppError('venue_not_connected');
    try {
      await player.transfer(VENUE_ACCOUNT_ID, body.data.deviceId);
    } catch (err) {
      if (err instanceof SpotifyError && err.code === 'device_not_found')
        throw new AppError('device_not_found', { cause: err });
      const problem = venueProblemOf(err);
      if (problem !== null) throw new AppError('venue_not_ready', { cause: err, details: { problem } });
      throw mapSpotify(err);
    }
    await store.setDevice(body.data.deviceId);
    await store.setProblem(null);
    req.log.info({ deviceId: body.data.deviceId }, 'venue device chosen');
    res.json(await status());
  });

  router.delete('/api/operator/venue', async (req, res) => {
    await requireOperator(req);
    await store.disconnect();
    req.log.info('venue account disconnected');
    res.json(await status());
  });

  return router;
}

function mapSpotify(err: unknown): unknown {
  if (!(err instanceof SpotifyError)) return err;
  if (err.code === 'unreachable') return new AppError('spotify_unreachable', { cause: err });
  return new AppError('spotify_error', { cause: err });
}

/**
 * Completes a login whose pending entry was marked venue (called by `/callback` after the state
 * was checked and spent): exchanges the code, reads the account, seals and stores its tokens and
 * sends the operator back to `/operator`. The venue account never joins the line, and the session
 * keeps its identity (no audience login happens).
 */
export async function completeVenueLogin(
  req: Request,
  res: Response,
  deps: AppDeps,
  entry: PendingLogin,
): Promise<void> {
  const back = (error: string | null) => res.redirect(302, error ? `/operator?venue_error=${error}` : '/operator');
  const answer = readCallbackAnswer(req);
  if (answer.refused) {
    req.log.info({ error: answer.error }, 'venue login not granted');
    return void back(answer.shown);
  }
  const { code } = answer;
  let granted;
  let profile;
  try {
    granted = await deps.accounts.exchangeCode(code, entry.verifier);
    profile = productSchema.safeParse(await deps.webApi.get('/v1/me', granted.access_token));
  } catch (err) {
    if (err instanceof SpotifyError) {
      req.log.warn({ spotify: { code: err.code, status: err.status } }, 'venue login failed at Spotify');
      return void back(err.code === 'not_registered' ? 'not_registered' : 'login_failed');
    }
    throw err;
  }
  if (!profile.success || !granted.refresh_token) {
    req.log.warn('venue login answered without a user or refresh token');
    return void back('login_failed');
  }
  const store = new VenueStore(deps.redis, deps.tokens);
  await store.connect(
    {
      id: profile.data.id,
      display_name: profile.data.display_name?.trim() || profile.data.id,
      product: profile.data.product ?? null,
    },
    {
      accessToken: granted.access_token,
      refreshToken: granted.refresh_token,
      expiresAt: Date.now() + granted.expires_in * 1000,
      scope: granted.scope ?? '',
    },
  );
  req.log.info({ venueAccount: profile.data.id }, 'venue account connected');
  back(null);
}
