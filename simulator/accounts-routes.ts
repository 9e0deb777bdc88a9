/**
 * The simulated accounts service: `/accounts/authorize` (a consent page where the visitor picks a
 * listener), its form's `/accounts/authorize/decision`, and `/accounts/api/token` (authorization
 * code with PKCE S256, refresh, client credentials), with Spotify's error shapes.
 */
import express, { type Response, type Router } from 'express';
import { codeChallengeS256, safeEqual, CHALLENGE_PATTERN, VERIFIER_PATTERN } from '../shared/spotify/pkce.js';
import { errorPage, escapeHtml, page } from './html.js';
import type { SimulatorState } from './simulator-state.js';
import { oauthError, sendFault } from './web-api-guard.js';

interface AuthorizeParams {
  clientId: string;
  redirectUri: string;
  state: string | null;
  challenge: string;
  scope: string;
}

type Form = Record<string, unknown>;
function text(form: Form, key: string): string {
  const value = form[key];
  return typeof value === 'string' ? value : '';
}

export function createAccountsRouter(state: SimulatorState, mountPath: string): Router {
  const router = express.Router();

  /** Validates an authorize request like Spotify does: client and redirect errors are shown, not redirected. */
  function validateAuthorize(q: Form, res: Response): AuthorizeParams | null {
    const clientId = text(q, 'client_id');
    const redirectUri = text(q, 'redirect_uri');
    if (clientId !== state.clientId) {
      res.status(400).type('html').send(errorPage('INVALID_CLIENT: Invalid client'));
      return null;
    }
    if (!state.redirectUris.has(redirectUri)) {
      res.status(400).type('html').send(errorPage('INVALID_CLIENT: Invalid redirect URI'));
      return null;
    }
    const st = text(q, 'state') || null;
    const back = (error: string, description: string) => {
      const url = new URL(redirectUri);
      url.searchParams.set('error', error);
      url.searchParams.set('error_description', description);
      if (st) url.searchParams.set('state', st);
      res.redirect(302, url.toString());
      return null;
    };
    if (text(q, 'response_type') !== 'code') return back('unsupported_response_type', 'response_type must be code');
    if (text(q, 'code_challenge_method') !== 'S256')
      return back('invalid_request', 'code_challenge_method must be S256');
    if (!CHALLENGE_PATTERN.test(text(q, 'code_challenge')))
      return back('invalid_request', 'code_challenge must be 43 characters of base64url');
    return { clientId, redirectUri, state: st, challenge: text(q, 'code_challenge'), scope: text(q, 'scope') };
  }

  router.get('/accounts/authorize', (req, res) => {
    state.record('authorize', null, 200);
    const p = validateAuthorize(req.query, res);
    if (!p) return;
    const hidden = Object.entries({
      client_id: p.clientId,
      redirect_uri: p.redirectUri,
      state: p.state ?? '',
      code_challenge: p.challenge,
      code_challenge_method: 'S256',
      response_type: 'code',
      scope: p.scope,
    })
      .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`)
      .join('');
    const choices = [...state.listeners.values()]
      .map(
        (l, i) =>
          `<label class="who"><input type="radio" name="listener" value="${escapeHtml(l.id)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(l.displayName)}</label>`,
      )
      .join('');
    const scopes = p.scope
      .split(' ')
      .filter(Boolean)
      .map((s) => `<li>${escapeHtml(s)}</li>`)
      .join('');
    res.type('html').send(
      page(
        'Log in — Spotify (simulated)',
        `
      <main>
        <p class="badge">Simulated Spotify — no real account is used</p>
        <h1>nowplaying-hub wants to see what you are playing</h1>
        <form method="post" action="${escapeHtml(mountPath)}/accounts/authorize/decision">
          ${hidden}
          <fieldset><legend>Continue as</legend>${choices}</fieldset>
          <p>It will be able to:</p><ul>${scopes}</ul>
          <div class="buttons">
            <button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
            <button type="submit" name="decision" value="agree" class="primary">Agree</button>
          </div>
        </form>
      </main>`,
      ),
    );
  });

  router.post('/accounts/authorize/decision', (req, res) => {
    const body = (req.body ?? {}) as Form;
    const p = validateAuthorize(body, res);
    if (!p) return;
    const url = new URL(p.redirectUri);
    if (body.decision !== 'agree') {
      url.searchParams.set('error', 'access_denied');
    } else {
      const listener = state.listeners.get(text(body, 'listener'));
      if (!listener) {
        res.status(400).type('html').send(errorPage('Choose who you are.'));
        return;
      }
      url.searchParams.set(
        'code',
        state.createCode({
          listenerId: listener.id,
          redirectUri: p.redirectUri,
          challenge: p.challenge,
          scope: p.scope,
        }),
      );
    }
    if (p.state) url.searchParams.set('state', p.state);
    res.redirect(302, url.toString());
  });

  router.post('/accounts/api/token', (req, res) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const grant = body.grant_type ?? '';
    const target = `token:${grant || 'none'}`;
    const refuse = (listenerId: string | null, error: string, description: string) => {
      state.record(target, listenerId, 400);
      oauthError(res, 400, error, description);
    };
    /** Issues tokens; `refresh` false: none is handed out (and the one issued is forgotten). */
    const grantTokens = (listenerId: string | null, scope: string | null, refresh: boolean) => {
      const t = state.issueTokens(listenerId, scope ?? '');
      if (!refresh && t.refreshToken) state.refreshTokens.delete(t.refreshToken);
      state.record(target, listenerId, 200);
      res.json({
        access_token: t.accessToken,
        token_type: 'Bearer',
        expires_in: t.expiresIn,
        ...(refresh ? { refresh_token: t.refreshToken } : {}),
        ...(scope !== null ? { scope } : {}),
      });
    };

    const fault = state.takeFault('token');
    if (fault) return sendFault(state, res, fault, target, null);
    if (!req.is('application/x-www-form-urlencoded'))
      return refuse(null, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');

    // Client authentication: Basic (confidential) or client_id in the body (PKCE public client).
    let clientId = body.client_id ?? null;
    let authenticated = false;
    const auth = req.get('authorization');
    if (auth?.startsWith('Basic ')) {
      const [id, secret] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      if (id !== state.clientId || !state.clientSecret || !secret || !safeEqual(secret, state.clientSecret))
        return refuse(null, 'invalid_client', 'Invalid client secret');
      clientId = id;
      authenticated = true;
    }
    if (clientId !== state.clientId) return refuse(null, 'invalid_client', 'Invalid client');

    if (grant === 'authorization_code') {
      const code = body.code ?? '';
      const entry = state.codes.get(code);
      // Codes are single-use: whatever happens next, this one is spent.
      state.codes.delete(code);
      if (!entry || entry.expiresAt <= state.now()) return refuse(null, 'invalid_grant', 'Invalid authorization code');
      const who = entry.listenerId;
      if (body.redirect_uri !== entry.redirectUri) return refuse(who, 'invalid_grant', 'Invalid redirect URI');
      if (entry.challenge !== null) {
        const verifier = body.code_verifier ?? '';
        if (!VERIFIER_PATTERN.test(verifier))
          return refuse(who, 'invalid_request', 'code_verifier must be 43 to 128 unreserved characters');
        if (!safeEqual(codeChallengeS256(verifier), entry.challenge))
          return refuse(who, 'invalid_grant', 'code_verifier was incorrect');
      } else if (!authenticated) return refuse(who, 'invalid_client', 'Invalid client');
      return grantTokens(who, entry.scope, true);
    }

    if (grant === 'refresh_token') {
      const entry = state.refreshTokens.get(body.refresh_token ?? '');
      if (!entry || entry.revoked) return refuse(entry?.listenerId ?? null, 'invalid_grant', 'Refresh token revoked');
      // A rotated refresh token is single-use: the old one dies now and a new one comes back.
      if (state.rotateRefreshTokens) entry.revoked = true;
      return grantTokens(entry.listenerId, entry.scope, state.rotateRefreshTokens);
    }

    if (grant === 'client_credentials') {
      if (!authenticated) return refuse(null, 'invalid_client', 'Invalid client');
      return grantTokens(null, null, false);
    }

    refuse(
      null,
      'unsupported_grant_type',
      'grant_type must be authorization_code, refresh_token or client_credentials',
    );
  });

  return router;
}
