/**
 * Spotify login: Authorization Code with PKCE (RFC 7636), `state` against CSRF (RFC 6749 §10.12),
 * following the current best practice of RFC 9700. Tokens are stored server-side, encrypted; the
 * browser only ever holds a session cookie.
 */
import { Router, type Request, type Response } from 'express';
import { AppError } from '../../shared/errors.js';
import { codeChallengeS256, createCodeVerifier, createState } from '../../shared/spotify/pkce.js';
import { SpotifyError } from '../../shared/spotify/spotify-error.js';
import type { AppDeps } from '../deps.js';
import { limit } from '../http/rate-limits.js';
import { logoutConfirmationPage } from './logout-page.js';
import { readCallbackAnswer } from './callback-answer.js';
import { pageLanguage } from '../pages/page-language.js';
import { completeVenueLogin } from '../venue/venue.routes.js';
import { Bans } from '../../shared/venue/bans.js';
import { destroySession, regenerateSession, requireUser, saveSession } from '../http/session-helpers.js';
import { SESSION_COOKIE, type PendingLogin } from '../http/session.js';

/** A login must finish within this time. */
const PENDING_LOGIN_TTL_MS = 10 * 60_000;
/** Logins started in parallel tabs that stay valid at once. */
const MAX_PENDING_LOGINS = 5;

/** Messages the phone page shows after a login that did not complete (`/?login_error=...`). */
export type LoginError = 'access_denied' | 'not_registered' | 'login_failed';

function livePending(pending: Record<string, PendingLogin> | undefined, now: number): Record<string, PendingLogin> {
  const entries = Object.entries(pending ?? {})
    .filter(([, p]) => now - p.createdAt < PENDING_LOGIN_TTL_MS)
    .sort(([, a], [, b]) => b.createdAt - a.createdAt)
    .slice(0, MAX_PENDING_LOGINS - 1);
  return Object.fromEntries(entries);
}

export function authRoutes(deps: AppDeps): Router {
  const { accounts, webApi, tokens, refresher, line, log } = deps;
  const router = Router();

  const backHome = (res: Response, error: LoginError) => res.redirect(302, `/?login_error=${error}`);

  router.get('/login', limit({ budget: deps.budgets.login, key: (req) => deps.clientIp(req) }), async (req, res) => {
    const verifier = createCodeVerifier();
    const state = createState();
    const now = Date.now();
    req.session.pendingLogins = {
      ...livePending(req.session.pendingLogins, now),
      [state]: { verifier, createdAt: now },
    };
    await saveSession(req);
    res.redirect(302, accounts.authorizeUrl({ state, codeChallenge: codeChallengeS256(verifier) }));
  });

  router.get('/callback', async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : null;
    const pending = req.session.pendingLogins ?? {};
    const entry = state !== null && Object.hasOwn(pending, state) ? pending[state] : undefined;
    if (!state || !entry || Date.now() - entry.createdAt >= PENDING_LOGIN_TTL_MS) {
      throw new AppError('invalid_state');
    }
    // Single use: the state is spent before anything else can go wrong.
    const { [state]: _spent, ...rest } = pending;
    req.session.pendingLogins = rest;
    await saveSession(req);
    // Venue mode: an operator's "Connect venue account" completes here too, told apart by its state.
    if (entry.venue === true) return void (await completeVenueLogin(req, res, deps, entry));

    const answer = readCallbackAnswer(req);
    if (answer.refused) {
      req.log.info({ error: answer.error }, 'login not granted');
      return void backHome(res, answer.shown);
    }
    const { code } = answer;

    let user;
    let granted;
    try {
      granted = await accounts.exchangeCode(code, entry.verifier);
      user = await webApi.me(granted.access_token);
    } catch (err) {
      if (err instanceof SpotifyError) {
        req.log.warn(
          { spotify: { code: err.code, status: err.status, message: err.message } },
          'login failed at Spotify',
        );
        return void backHome(res, err.code === 'not_registered' ? 'not_registered' : 'login_failed');
      }
      throw err;
    }
    if (!granted.refresh_token) {
      req.log.warn('token endpoint gave no refresh token on login');
      return void backHome(res, 'login_failed');
    }
    await tokens.save(user.id, {
      accessToken: granted.access_token,
      refreshToken: granted.refresh_token,
      expiresAt: Date.now() + granted.expires_in * 1000,
      scope: granted.scope ?? '',
    });

    // One browser = one person: a browser that logs in as another account gives up the first one
    // (out of the line, tokens deleted) before the session switches, or it would wait orphaned.
    const previousUserId = req.session.userId;
    if (previousUserId && previousUserId !== user.id) {
      if ((await line.takeOut(previousUserId, 'left')) === 'active') await pollNowSafely(req, deps);
      await tokens.delete(previousUserId);
      await notifySafely(req, deps, [previousUserId]);
      req.log.info({ userId: previousUserId }, 'user replaced by a second login in the same browser');
    }

    // A new session id on login: an id planted before login is worthless after it.
    const remaining = req.session.pendingLogins;
    await regenerateSession(req);
    req.session.userId = user.id;
    req.session.displayName = user.display_name;
    if (remaining && Object.keys(remaining).length > 0) req.session.pendingLogins = remaining;
    await saveSession(req);

    // A banned member may log in (the session stays usable) but never joins the line again.
    const banned = await new Bans(deps.redis).isBanned({ userId: user.id });
    req.session.kind = 'spotify';
    await saveSession(req);
    const joined = banned ? false : await line.join(user.id, user.display_name, 'spotify');
    log.info({ userId: user.id, joined }, 'user logged in');
    await notifySafely(req, deps, [user.id]);
    await pollNowIfDriving(req, deps, user.id);
    res.redirect(302, '/');
  });

  const logout = async (req: Request, res: Response) => {
    const userId = req.session.userId;
    const sessionId = req.sessionID;
    if (userId) {
      if ((await line.takeOut(userId, 'left')) === 'active') await pollNowSafely(req, deps);
      await tokens.delete(userId);
      await notifySafely(req, deps, [userId]);
      req.log.info({ userId }, 'user logged out');
    }
    await destroySession(req);
    // The session's live sockets end too, on every server: no more `you` or line for this browser.
    deps.sessionSockets.disconnect(sessionId, ['/', '/operator', '/bridge']);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(302, '/');
  };
  router.post('/logout', logout);
  // A GET must not be a way for another site to log people out (an <img src=".../logout">): only
  // a navigation the person made on the hub itself or typed logs out; anything else is asked.
  router.get('/logout', async (req, res) => {
    if (isOwnNavigation(req)) return logout(req, res);
    res
      .status(200)
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(logoutConfirmationPage(pageLanguage(req)));
  });

  router.get('/refresh_token', async (req, res) => {
    const { userId } = requireUser(req);
    try {
      const { tokens: fresh } = await refresher.fresh(userId);
      res.json({ logged_in: true, expires_in: Math.max(0, Math.floor((fresh.expiresAt - Date.now()) / 1000)) });
    } catch (err) {
      if (err instanceof SpotifyError && (err.code === 'invalid_grant' || err.code === 'unauthorized')) {
        if (err.code === 'invalid_grant' && (await line.takeOut(userId, 'revoked')))
          await notifySafely(req, deps, [userId]);
        throw new AppError('spotify_session_expired');
      }
      if (err instanceof SpotifyError)
        throw new AppError(err.code === 'unreachable' ? 'spotify_unreachable' : 'spotify_error', { cause: err });
      throw err;
    }
  });

  return router;
}

/**
 * The driver or the turn's clock changed because of this request: poll at once rather than at the
 * next interval, so screens show it within one Spotify round trip. A failure only costs that.
 */
export async function pollNowSafely(req: Request, deps: AppDeps): Promise<void> {
  try {
    await deps.pollTrigger.pollNow();
  } catch (err) {
    req.log.warn({ err: { message: (err as Error).message } }, 'could not ask for an immediate poll');
  }
}

/** Polls at once when `userId` is now the driver (a join into an empty line starts a turn). */
export async function pollNowIfDriving(req: Request, deps: AppDeps, userId: string): Promise<void> {
  const snapshot = await deps.line.snapshot().catch(() => null);
  if (snapshot?.active?.user_id === userId) await pollNowSafely(req, deps);
}

/** A failed broadcast must not fail the request that changed the line: clients catch up on the next event. */
export async function notifySafely(req: Request, deps: AppDeps, affected: string[]): Promise<void> {
  try {
    await deps.notify.lineChanged(affected);
  } catch (err) {
    req.log.warn({ err: { message: (err as Error).message } }, 'could not broadcast a line change');
  }
}

/**
 * Fetch Metadata (`Sec-Fetch-Site`) says whether a browser request was started by the hub's own
 * pages (`same-origin`) or by the person (`none`: typed, bookmarked). Clients that send no fetch
 * metadata are not browsers driven by another site (curl, scripts), unless a Referer says so.
 */
function isOwnNavigation(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const referer = req.get('referer');
  if (referer === undefined) return true;
  try {
    return new URL(referer).host === req.get('host');
  } catch {
    return false;
  }
}
