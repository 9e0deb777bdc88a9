/**
 * HTTP face of the simulated Spotify. Under one root it serves:
 * - `/accounts/authorize` and `/accounts/api/token`: the accounts service (authorization code with
 *   PKCE S256, refresh, client credentials), with Spotify's error shapes;
 * - `/api/v1/...`: the Web API endpoints the hub uses (me, currently-playing, catalog);
 * - `/images/:id/:size.png`: generated album art;
 * - `/control/...`: a JSON API for tests and demos to steer playback, tokens and faults.
 */
import express, { type Request, type Response, type Router } from 'express';
import { codeChallengeS256, safeEqual, CHALLENGE_PATTERN, VERIFIER_PATTERN } from '../shared/spotify/pkce.js';
import { CatalogRenderer } from './catalog.js';
import { albumArtPng } from './png.js';
import { createPlayerRouter } from './player-routes.js';
import type { FaultTarget, Listener, PlaybackMode, SimulatorState } from './simulator-state.js';

export interface SimulatorAppOptions {
  /** Where this router is mounted ('' standalone, '/sim' inside the hub in demo mode). */
  readonly mountPath?: string;
}

const BASE62_ID = /^[0-9A-Za-z]{22}$/;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function createSimulatorRouter(state: SimulatorState, options: SimulatorAppOptions = {}): Router {
  const mount = options.mountPath ?? '';
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.use(express.json({ limit: '16kb' }));

  const rootUrl = (req: Request) => `${req.protocol}://${req.get('host')}${mount}`;
  const renderer = (req: Request) => new CatalogRenderer(state.catalog, rootUrl(req), `${rootUrl(req)}/api`);

  // ---------- accounts: authorize ----------

  interface AuthorizeParams {
    clientId: string;
    redirectUri: string;
    state: string | null;
    challenge: string;
    scope: string;
  }

  /** Validates an authorize request like Spotify does: client and redirect errors are shown, not redirected. */
  function validateAuthorize(q: Record<string, unknown>, res: Response): AuthorizeParams | null {
    const str = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : '');
    const clientId = str('client_id');
    const redirectUri = str('redirect_uri');
    if (clientId !== state.clientId) {
      res.status(400).type('html').send(errorPage('INVALID_CLIENT: Invalid client'));
      return null;
    }
    if (!state.redirectUris.has(redirectUri)) {
      res.status(400).type('html').send(errorPage('INVALID_CLIENT: Invalid redirect URI'));
      return null;
    }
    const st = str('state') || null;
    const back = (error: string, description: string) => {
      const url = new URL(redirectUri);
      url.searchParams.set('error', error);
      url.searchParams.set('error_description', description);
      if (st) url.searchParams.set('state', st);
      res.redirect(302, url.toString());
      return null;
    };
    if (str('response_type') !== 'code') return back('unsupported_response_type', 'response_type must be code');
    if (str('code_challenge_method') !== 'S256') return back('invalid_request', 'code_challenge_method must be S256');
    if (!CHALLENGE_PATTERN.test(str('code_challenge')))
      return back('invalid_request', 'code_challenge must be 43 characters of base64url');
    return { clientId, redirectUri, state: st, challenge: str('code_challenge'), scope: str('scope') };
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
        <form method="post" action="${escapeHtml(mount)}/accounts/authorize/decision">
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
    const body = (req.body ?? {}) as Record<string, unknown>;
    const p = validateAuthorize(body, res);
    if (!p) return;
    const url = new URL(p.redirectUri);
    if (body.decision !== 'agree') {
      url.searchParams.set('error', 'access_denied');
    } else {
      const listener = state.listeners.get(String(body.listener ?? ''));
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

  // ---------- accounts: token ----------

  const oauthError = (res: Response, status: number, error: string, description: string) =>
    res.status(status).json({ error, error_description: description });

  router.post('/accounts/api/token', (req, res) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const grant = body.grant_type ?? '';
    const target = `token:${grant || 'none'}`;
    const fault = state.takeFault('token');
    if (fault) return void sendFault(res, fault, target, null);
    if (!req.is('application/x-www-form-urlencoded')) {
      state.record(target, null, 400);
      return void oauthError(res, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    }

    // Client authentication: Basic (confidential) or client_id in the body (PKCE public client).
    let clientId = body.client_id ?? null;
    let authenticated = false;
    const auth = req.get('authorization');
    if (auth?.startsWith('Basic ')) {
      const [id, secret] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      if (id !== state.clientId || !state.clientSecret || !secret || !safeEqual(secret, state.clientSecret)) {
        state.record(target, null, 400);
        return void oauthError(res, 400, 'invalid_client', 'Invalid client secret');
      }
      clientId = id;
      authenticated = true;
    }
    if (clientId !== state.clientId) {
      state.record(target, null, 400);
      return void oauthError(res, 400, 'invalid_client', 'Invalid client');
    }

    if (grant === 'authorization_code') {
      const code = body.code ?? '';
      const entry = state.codes.get(code);
      // Codes are single-use: whatever happens next, this one is spent.
      state.codes.delete(code);
      if (!entry || entry.expiresAt <= state.now()) {
        state.record(target, null, 400);
        return void oauthError(res, 400, 'invalid_grant', 'Invalid authorization code');
      }
      if (body.redirect_uri !== entry.redirectUri) {
        state.record(target, entry.listenerId, 400);
        return void oauthError(res, 400, 'invalid_grant', 'Invalid redirect URI');
      }
      if (entry.challenge !== null) {
        const verifier = body.code_verifier ?? '';
        if (!VERIFIER_PATTERN.test(verifier)) {
          state.record(target, entry.listenerId, 400);
          return void oauthError(res, 400, 'invalid_request', 'code_verifier must be 43 to 128 unreserved characters');
        }
        if (!safeEqual(codeChallengeS256(verifier), entry.challenge)) {
          state.record(target, entry.listenerId, 400);
          return void oauthError(res, 400, 'invalid_grant', 'code_verifier was incorrect');
        }
      } else if (!authenticated) {
        state.record(target, entry.listenerId, 400);
        return void oauthError(res, 400, 'invalid_client', 'Invalid client');
      }
      const t = state.issueTokens(entry.listenerId, entry.scope);
      state.record(target, entry.listenerId, 200);
      return void res.json({
        access_token: t.accessToken,
        token_type: 'Bearer',
        expires_in: t.expiresIn,
        refresh_token: t.refreshToken,
        scope: entry.scope,
      });
    }

    if (grant === 'refresh_token') {
      const old = body.refresh_token ?? '';
      const entry = state.refreshTokens.get(old);
      if (!entry || entry.revoked) {
        state.record(target, entry?.listenerId ?? null, 400);
        return void oauthError(res, 400, 'invalid_grant', 'Refresh token revoked');
      }
      const t = state.issueTokens(entry.listenerId, entry.scope);
      if (state.rotateRefreshTokens) {
        // A rotated refresh token is single-use: the old one dies now.
        entry.revoked = true;
        state.record(target, entry.listenerId, 200);
        return void res.json({
          access_token: t.accessToken,
          token_type: 'Bearer',
          expires_in: t.expiresIn,
          refresh_token: t.refreshToken,
          scope: entry.scope,
        });
      }
      if (t.refreshToken) state.refreshTokens.delete(t.refreshToken);
      state.record(target, entry.listenerId, 200);
      return void res.json({
        access_token: t.accessToken,
        token_type: 'Bearer',
        expires_in: t.expiresIn,
        scope: entry.scope,
      });
    }

    if (grant === 'client_credentials') {
      if (!authenticated) {
        state.record(target, null, 400);
        return void oauthError(res, 400, 'invalid_client', 'Invalid client');
      }
      const t = state.issueTokens(null, '');
      state.record(target, null, 200);
      return void res.json({ access_token: t.accessToken, token_type: 'Bearer', expires_in: t.expiresIn });
    }

    state.record(target, null, 400);
    oauthError(
      res,
      400,
      'unsupported_grant_type',
      `grant_type must be authorization_code, refresh_token or client_credentials`,
    );
  });

  // ---------- Web API ----------

  const apiError = (res: Response, status: number, message: string) =>
    res.status(status).json({ error: { status, message } });

  function sendFault(
    res: Response,
    fault: {
      status: number;
      retryAfterSeconds: number | null;
      plainText: boolean;
      delayMs: number;
      reason?: string | null | undefined;
    },
    target: string,
    listenerId: string | null,
  ) {
    const arrivedAt = state.now();
    const answer = () => {
      state.record(target, listenerId, fault.status, arrivedAt);
      if (fault.status === 429) res.set('Retry-After', String(fault.retryAfterSeconds ?? 1));
      const message =
        fault.status === 429 ? 'API rate limit exceeded' : fault.status >= 500 ? 'Server error' : 'Forced error';
      if (fault.plainText) res.status(fault.status).type('text/plain').send(message);
      else if (target.startsWith('token:'))
        oauthError(res, fault.status, fault.status === 429 ? 'rate_limited' : 'server_error', message);
      // Spotify's 2026 error objects may add a machine-readable `reason` (e.g. QUOTA_EXCEEDED).
      else
        res
          .status(fault.status)
          .json({ error: { status: fault.status, message, ...(fault.reason ? { reason: fault.reason } : {}) } });
    };
    if (fault.delayMs > 0) setTimeout(answer, fault.delayMs);
    else answer();
  }

  /** Authenticates a Web API call; answers the token record or sends the 401 itself. */
  function bearer(req: Request, res: Response, target: string) {
    const header = req.get('authorization') ?? '';
    if (!header.startsWith('Bearer ')) {
      state.record(target, null, 401);
      apiError(res, 401, 'No token provided');
      return null;
    }
    const token = state.accessTokens.get(header.slice(7));
    if (!token) {
      state.record(target, null, 401);
      apiError(res, 401, 'Invalid access token');
      return null;
    }
    if (token.expiresAt <= state.now()) {
      state.record(target, token.listenerId, 401);
      apiError(res, 401, 'The access token expired');
      return null;
    }
    return token;
  }

  function userCall(req: Request, res: Response, target: FaultTarget): Listener | null {
    const token = bearer(req, res, target);
    if (!token) return null;
    const fault = state.takeFault(target);
    if (fault) {
      sendFault(res, fault, target, token.listenerId);
      return null;
    }
    const listener = token.listenerId ? state.listeners.get(token.listenerId) : undefined;
    if (!listener) {
      state.record(target, null, 401);
      apiError(res, 401, 'This endpoint needs a user token');
      return null;
    }
    if (listener.notRegistered) {
      state.record(target, listener.id, 403);
      res.status(403).type('text/plain').send('User not registered in the Developer Dashboard');
      return null;
    }
    return listener;
  }

  router.get('/api/v1/me', (req, res) => {
    const listener = userCall(req, res, 'me');
    if (!listener) return;
    state.record('me', listener.id, 200);
    const base = rootUrl(req);
    res.json({
      country: listener.country,
      display_name: listener.displayName,
      explicit_content: { filter_enabled: false, filter_locked: false },
      external_urls: { spotify: `https://open.spotify.com/user/${listener.id}` },
      followers: { href: null, total: 3 },
      href: `${base}/api/v1/users/${listener.id}`,
      id: listener.id,
      images: [],
      product: listener.product,
      type: 'user',
      uri: `spotify:user:${listener.id}`,
    });
  });

  router.get('/api/v1/me/player/currently-playing', (req, res) => {
    const listener = userCall(req, res, 'currently-playing');
    if (!listener) return;
    const pb = listener.playback;
    const now = state.now();
    // A slow answer describes the playback as it was when the request arrived, like a real one.
    const lateMs = state.takeLatency('currently-playing');
    const answer = (status: number, body: unknown) => {
      const send = () => {
        state.record('currently-playing', listener.id, status, now);
        if (status === 204) res.status(204).end();
        else res.json(body);
      };
      if (lateMs > 0) setTimeout(send, lateMs);
      else send();
    };
    if (pb.mode === 'nothing') return void answer(204, null);
    const actions = { disallows: pb.isPlaying ? { resuming: true } : { pausing: true } };
    if (pb.mode === 'ad' || pb.mode === 'unknown') {
      return void answer(200, {
        timestamp: pb.changedAt,
        context: null,
        progress_ms: pb.mode === 'ad' ? Math.floor(now - pb.anchorTime) % 30_000 : null,
        item: null,
        currently_playing_type: pb.mode,
        actions,
        is_playing: pb.isPlaying,
      });
    }
    const { itemId, progressMs } = state.settle(listener);
    const r = renderer(req);
    const types = String(req.query.additional_types ?? '').split(',');
    const isEpisode = itemId !== null && state.catalog.episodes.has(itemId);
    let item: unknown = null;
    if (itemId && !isEpisode) item = r.track(itemId);
    // Without additional_types=episode, Spotify hides the episode object.
    if (itemId && isEpisode && types.includes('episode')) item = r.episode(itemId);
    const albumId = itemId && !isEpisode ? state.catalog.tracks.get(itemId)?.albumId : undefined;
    const context = albumId
      ? {
          type: 'album',
          href: `${rootUrl(req)}/api/v1/albums/${albumId}`,
          external_urls: { spotify: `https://open.spotify.com/album/${albumId}` },
          uri: `spotify:album:${albumId}`,
        }
      : null;
    // `timestamp` is when playback last changed (play, pause, skip, seek, new item), not the time of the answer.
    answer(200, {
      timestamp: pb.changedAt,
      context,
      progress_ms: progressMs,
      item,
      currently_playing_type: isEpisode ? 'episode' : 'track',
      actions,
      is_playing: pb.isPlaying,
    });
  });

  // Catalog: any valid token, user or app.
  function catalogCall(req: Request, res: Response): CatalogRenderer | null {
    const token = bearer(req, res, 'catalog');
    if (!token) return null;
    const fault = state.takeFault('catalog');
    if (fault) {
      sendFault(res, fault, 'catalog', token.listenerId);
      return null;
    }
    state.record('catalog', token.listenerId, 200);
    return renderer(req);
  }

  function byId<T>(res: Response, map: Map<string, T>, id: string): T | null {
    if (!BASE62_ID.test(id)) {
      apiError(res, 400, 'Invalid base62 id');
      return null;
    }
    const found = map.get(id);
    if (!found) {
      apiError(res, 404, 'Resource not found');
      return null;
    }
    return found;
  }

  const paging = (req: Request) => ({
    offset: Math.max(0, Number(req.query.offset ?? 0) || 0),
    limit: Math.min(50, Math.max(1, Number(req.query.limit ?? 20) || 20)),
  });

  router.get('/api/v1/tracks/:id', (req, res) => {
    const r = catalogCall(req, res);
    if (r && byId(res, state.catalog.tracks, req.params.id)) res.json(r.track(req.params.id));
  });
  router.get('/api/v1/tracks', (req, res) => {
    const r = catalogCall(req, res);
    if (!r) return;
    const ids = String(req.query.ids ?? '')
      .split(',')
      .filter(Boolean);
    if (ids.length === 0 || ids.length > 50) return void apiError(res, 400, 'ids must list 1 to 50 ids');
    res.json({ tracks: ids.map((id) => (state.catalog.tracks.has(id) ? r.track(id) : null)) });
  });
  router.get('/api/v1/albums/:id', (req, res) => {
    const r = catalogCall(req, res);
    if (r && byId(res, state.catalog.albums, req.params.id)) res.json(r.album(req.params.id));
  });
  router.get('/api/v1/albums/:id/tracks', (req, res) => {
    const r = catalogCall(req, res);
    const album = r && byId(res, state.catalog.albums, req.params.id);
    if (!r || !album) return;
    const { offset, limit } = paging(req);
    res.json(
      r.paging(
        `${r.apiBase}/v1/albums/${album.id}/tracks`,
        album.trackIds.map((t) => r.simplifiedTrack(t)),
        offset,
        limit,
      ),
    );
  });
  router.get('/api/v1/artists/:id', (req, res) => {
    const r = catalogCall(req, res);
    if (r && byId(res, state.catalog.artists, req.params.id)) res.json(r.artist(req.params.id));
  });
  router.get('/api/v1/artists/:id/top-tracks', (req, res) => {
    const r = catalogCall(req, res);
    const artist = r && byId(res, state.catalog.artists, req.params.id);
    if (!r || !artist) return;
    const tracks = [...state.catalog.tracks.values()].filter((t) => t.artistIds.includes(artist.id)).slice(0, 10);
    res.json({ tracks: tracks.map((t) => r.track(t.id)) });
  });
  router.get('/api/v1/artists/:id/albums', (req, res) => {
    const r = catalogCall(req, res);
    const artist = r && byId(res, state.catalog.artists, req.params.id);
    if (!r || !artist) return;
    const { offset, limit } = paging(req);
    const albums = [...state.catalog.albums.values()]
      .filter((a) => a.artistIds.includes(artist.id))
      .map((a) => r.simplifiedAlbum(a.id));
    res.json(r.paging(`${r.apiBase}/v1/artists/${artist.id}/albums`, albums, offset, limit));
  });
  router.get('/api/v1/search', (req, res) => {
    const r = catalogCall(req, res);
    if (!r) return;
    const q = String(req.query.q ?? '')
      .trim()
      .toLowerCase();
    const types = String(req.query.type ?? '')
      .split(',')
      .filter(Boolean);
    if (!q) return void apiError(res, 400, 'No search query');
    const known = ['track', 'album', 'artist', 'show', 'episode'];
    if (types.length === 0 || types.some((t) => !known.includes(t)))
      return void apiError(res, 400, 'Bad search type field');
    const { offset, limit } = paging(req);
    const c = state.catalog;
    const hit = (name: string) => name.toLowerCase().includes(q);
    const href = (type: string) => `${r.apiBase}/v1/search?q=${encodeURIComponent(q)}&type=${type}`;
    const out: Record<string, unknown> = {};
    if (types.includes('track'))
      out.tracks = r.paging(
        href('track'),
        [...c.tracks.values()]
          .filter((t) => hit(t.name) || t.artistIds.some((a) => hit(c.artists.get(a)!.name)))
          .map((t) => r.track(t.id)),
        offset,
        limit,
      );
    if (types.includes('album'))
      out.albums = r.paging(
        href('album'),
        [...c.albums.values()].filter((a) => hit(a.name)).map((a) => r.simplifiedAlbum(a.id)),
        offset,
        limit,
      );
    if (types.includes('artist'))
      out.artists = r.paging(
        href('artist'),
        [...c.artists.values()].filter((a) => hit(a.name)).map((a) => r.artist(a.id)),
        offset,
        limit,
      );
    if (types.includes('show'))
      out.shows = r.paging(
        href('show'),
        [...c.shows.values()].filter((s) => hit(s.name)).map((s) => r.show(s.id)),
        offset,
        limit,
      );
    if (types.includes('episode'))
      out.episodes = r.paging(
        href('episode'),
        [...c.episodes.values()].filter((e) => hit(e.name)).map((e) => r.episode(e.id)),
        offset,
        limit,
      );
    res.json(out);
  });
  router.use(createPlayerRouter(state, mount));
  router.use('/api', (_req, res) => apiError(res, 404, 'Service not found'));

  // ---------- images ----------

  const imageCache = new Map<string, Buffer>();
  router.get('/images/:id/:size.png', (req, res) => {
    const size = Number(req.params.size);
    const c = state.catalog;
    const owner = c.albums.get(req.params.id) ?? c.shows.get(req.params.id);
    const colors =
      owner?.colors ??
      (c.artists.has(req.params.id)
        ? ([
            [60, 60, 60],
            [200, 200, 200],
          ] as const)
        : null);
    if (!colors || ![64, 300, 640].includes(size)) return void res.status(404).end();
    const key = `${req.params.id}:${size}`;
    let png = imageCache.get(key);
    if (!png) {
      png = albumArtPng(size, colors[0], colors[1]);
      imageCache.set(key, png);
    }
    res.set('Cache-Control', 'public, max-age=86400').type('png').send(png);
  });

  // ---------- control API ----------

  const control = express.Router();
  const listenerView = (l: Listener) => {
    const { itemId, progressMs } = state.settle(l);
    const name = itemId
      ? (state.catalog.tracks.get(itemId)?.name ?? state.catalog.episodes.get(itemId)?.name ?? null)
      : null;
    return {
      id: l.id,
      display_name: l.displayName,
      not_registered: l.notRegistered,
      mode: l.playback.mode,
      is_playing: l.playback.isPlaying,
      item_id: itemId,
      item_name: name,
      progress_ms: progressMs,
    };
  };

  control.get('/listeners', (_req, res) => res.json({ listeners: [...state.listeners.values()].map(listenerView) }));
  control.post('/listeners', (req, res) => {
    const { id, display_name: name } = (req.body ?? {}) as { id?: unknown; display_name?: unknown };
    if (typeof id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(id) || typeof name !== 'string' || !name.trim()) {
      return void res.status(400).json({ error: 'id (letters, digits, _.-) and display_name are required' });
    }
    const l = state.listeners.get(id) ?? state.addListener(id, name.trim());
    res.status(201).json(listenerView(l));
  });
  control.get('/listeners/:id', (req, res) => {
    const l = state.listeners.get(req.params.id);
    if (!l) return void res.status(404).json({ error: 'no such listener' });
    res.json(listenerView(l));
  });
  control.patch('/listeners/:id', (req, res) => {
    const l = state.listeners.get(req.params.id);
    if (!l) return void res.status(404).json({ error: 'no such listener' });
    const body = (req.body ?? {}) as { not_registered?: unknown; display_name?: unknown };
    if (typeof body.not_registered === 'boolean') l.notRegistered = body.not_registered;
    if (typeof body.display_name === 'string' && body.display_name.trim()) l.displayName = body.display_name.trim();
    res.json(listenerView(l));
  });

  /**
   * Steers a listener's player. `action`: play, pause, next, seek (progress_ms), item (item_id,
   * progress_ms: a track or episode id to start), nothing (204), ad, unknown. `ago_ms` dates the
   * change back (a pause that began 30 s ago: Spotify's timestamp and the frozen position say so).
   */
  control.post('/listeners/:id/playback', (req, res) => {
    const l = state.listeners.get(req.params.id);
    if (!l) return void res.status(404).json({ error: 'no such listener' });
    const body = (req.body ?? {}) as {
      action?: unknown;
      item_id?: unknown;
      progress_ms?: unknown;
      is_playing?: unknown;
      ago_ms?: unknown;
    };
    const pb = l.playback;
    const settled = state.settle(l);
    const ago = typeof body.ago_ms === 'number' && body.ago_ms > 0 ? Math.min(body.ago_ms, 3_600_000) : 0;
    const now = state.now() - ago;
    const progress = typeof body.progress_ms === 'number' && body.progress_ms >= 0 ? body.progress_ms : 0;
    const setMode = (mode: PlaybackMode) => {
      pb.mode = mode;
      pb.anchorTime = now;
    };
    pb.changedAt = now;
    switch (body.action) {
      case 'play':
        if (pb.mode !== 'playlist') setMode('playlist');
        // Playing since `now`: the position has moved on by `ago` already.
        if (!pb.isPlaying) pb.anchorTime = now;
        pb.isPlaying = true;
        break;
      case 'pause':
        // Frozen where it was when the pause began.
        if (pb.isPlaying) pb.anchorProgress = Math.max(0, settled.progressMs - ago);
        pb.isPlaying = false;
        break;
      case 'next':
        setMode('playlist');
        pb.index = (pb.index + 1) % pb.playlist.length;
        pb.anchorProgress = 0;
        break;
      case 'seek':
        pb.anchorProgress = progress;
        pb.anchorTime = now;
        break;
      case 'item': {
        const id = typeof body.item_id === 'string' ? body.item_id : '';
        if (!state.catalog.tracks.has(id) && !state.catalog.episodes.has(id))
          return void res.status(400).json({ error: 'item_id must be a track or episode id of the catalog' });
        setMode('playlist');
        const at = pb.playlist.indexOf(id);
        if (at >= 0) pb.index = at;
        else {
          pb.playlist.splice(pb.index + 1, 0, id);
          pb.index += 1;
        }
        pb.anchorProgress = progress;
        pb.isPlaying = body.is_playing !== false;
        break;
      }
      case 'nothing':
      case 'ad':
      case 'unknown':
        setMode(body.action === 'nothing' ? 'nothing' : body.action);
        pb.isPlaying = body.action !== 'nothing';
        break;
      default:
        return void res
          .status(400)
          .json({ error: 'action must be play, pause, next, seek, item, nothing, ad or unknown' });
    }
    res.json(listenerView(l));
  });

  control.get('/catalog', (_req, res) => {
    const c = state.catalog;
    res.json({
      tracks: [...c.tracks.values()].map((t) => ({
        id: t.id,
        name: t.name,
        duration_ms: t.durationMs,
        album_id: t.albumId,
        artists: t.artistIds.map((a) => c.artists.get(a)!.name),
      })),
      episodes: [...c.episodes.values()].map((e) => ({
        id: e.id,
        name: e.name,
        duration_ms: e.durationMs,
        show_id: e.showId,
      })),
      albums: [...c.albums.values()].map((a) => ({ id: a.id, name: a.name })),
      artists: [...c.artists.values()].map((a) => ({ id: a.id, name: a.name })),
    });
  });

  /** Expires access tokens now (all, or one listener's). */
  control.post('/tokens/expire', (req, res) => {
    const who = (req.body as { listener_id?: unknown } | undefined)?.listener_id;
    let count = 0;
    for (const t of state.accessTokens.values()) {
      if (typeof who === 'string' && t.listenerId !== who) continue;
      t.expiresAt = Math.min(t.expiresAt, state.now());
      count++;
    }
    res.json({ expired: count });
  });

  /** Revokes a listener's refresh tokens (as when they remove the app from their account). */
  control.post('/tokens/revoke', (req, res) => {
    const who = (req.body as { listener_id?: unknown } | undefined)?.listener_id;
    if (typeof who !== 'string') return void res.status(400).json({ error: 'listener_id is required' });
    let count = 0;
    for (const t of state.refreshTokens.values())
      if (t.listenerId === who && !t.revoked) {
        t.revoked = true;
        count++;
      }
    for (const t of state.accessTokens.values())
      if (t.listenerId === who) t.expiresAt = Math.min(t.expiresAt, state.now());
    res.json({ revoked: count });
  });

  /** Forces the next `times` calls to `target` to fail with `status` (429 carries Retry-After). */
  control.post('/faults', (req, res) => {
    const b = (req.body ?? {}) as {
      target?: unknown;
      status?: unknown;
      retry_after?: unknown;
      times?: unknown;
      plain_text?: unknown;
      delay_ms?: unknown;
      reason?: unknown;
    };
    const targets: FaultTarget[] = ['token', 'me', 'currently-playing', 'catalog', 'api'];
    if (
      !targets.includes(b.target as FaultTarget) ||
      typeof b.status !== 'number' ||
      b.status < 400 ||
      b.status > 599
    ) {
      return void res.status(400).json({ error: `target (${targets.join(', ')}) and status (400-599) are required` });
    }
    state.faults.push({
      target: b.target as FaultTarget,
      status: b.status,
      retryAfterSeconds: typeof b.retry_after === 'number' ? b.retry_after : null,
      remaining: typeof b.times === 'number' && b.times > 0 ? b.times : 1,
      plainText: b.plain_text === true,
      delayMs: typeof b.delay_ms === 'number' && b.delay_ms > 0 ? Math.min(b.delay_ms, 60_000) : 0,
      reason: typeof b.reason === 'string' && /^[A-Z_]{1,64}$/.test(b.reason) ? b.reason : null,
    });
    res.status(201).json({ faults: state.faults.length });
  });

  /** Slow answers: the next `times` calls to `target` answer `ms` late, with the state at arrival. */
  control.post('/latency', (req, res) => {
    const b = (req.body ?? {}) as { target?: unknown; ms?: unknown; times?: unknown };
    const targets: FaultTarget[] = ['me', 'currently-playing', 'catalog', 'api'];
    if (!targets.includes(b.target as FaultTarget) || typeof b.ms !== 'number' || b.ms < 0 || b.ms > 60_000) {
      return void res.status(400).json({ error: `target (${targets.join(', ')}) and ms (0-60000) are required` });
    }
    state.latencies.push({
      target: b.target as FaultTarget,
      ms: b.ms,
      remaining: typeof b.times === 'number' && b.times > 0 ? b.times : 1,
    });
    res.status(201).json({ latencies: state.latencies.length });
  });
  control.delete('/latency', (_req, res) => {
    state.latencies = [];
    res.json({ latencies: 0 });
  });
  control.delete('/faults', (_req, res) => {
    state.faults = [];
    res.json({ faults: 0 });
  });

  /** Counts calls per target; `since` (epoch ms) narrows the log. */
  control.get('/calls', (req, res) => {
    const since = Number(req.query.since ?? 0) || 0;
    const log = state.calls.filter((c) => c.at >= since);
    const counts: Record<string, number> = {};
    for (const c of log) counts[c.target] = (counts[c.target] ?? 0) + 1;
    res.json({ counts, log });
  });
  control.delete('/calls', (_req, res) => {
    state.calls = [];
    res.json({ calls: 0 });
  });

  control.get('/settings', (_req, res) =>
    res.json({
      access_token_seconds: state.accessTokenSeconds,
      rotate_refresh_tokens: state.rotateRefreshTokens,
      code_ttl_seconds: state.codeTtlSeconds,
    }),
  );
  control.put('/settings', (req, res) => {
    const b = (req.body ?? {}) as {
      access_token_seconds?: unknown;
      rotate_refresh_tokens?: unknown;
      code_ttl_seconds?: unknown;
    };
    if (typeof b.access_token_seconds === 'number' && b.access_token_seconds >= 1)
      state.accessTokenSeconds = b.access_token_seconds;
    if (typeof b.rotate_refresh_tokens === 'boolean') state.rotateRefreshTokens = b.rotate_refresh_tokens;
    if (typeof b.code_ttl_seconds === 'number' && b.code_ttl_seconds >= 1) state.codeTtlSeconds = b.code_ttl_seconds;
    res.json({
      access_token_seconds: state.accessTokenSeconds,
      rotate_refresh_tokens: state.rotateRefreshTokens,
      code_ttl_seconds: state.codeTtlSeconds,
    });
  });
  router.use('/control', control);

  router.get('/', (_req, res) => {
    res
      .type('html')
      .send(
        page(
          'Spotify simulator',
          `<main><h1>Spotify simulator</h1><p>Accounts service at <code>${escapeHtml(mount)}/accounts</code>, Web API at <code>${escapeHtml(mount)}/api</code>, control API at <code>${escapeHtml(mount)}/control</code>.</p></main>`,
        ),
      );
  });

  return router;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>
body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#121212;color:#fff}
main{max-width:28rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.4rem}.badge{display:inline-block;background:#333;color:#1ed760;border-radius:1rem;padding:.2rem .8rem;font-size:.8rem}
fieldset{border:1px solid #333;border-radius:.5rem;padding:.5rem 1rem}.who{display:block;padding:.6rem 0;font-size:1.1rem}
.buttons{display:flex;gap:1rem;margin-top:1.5rem}button{flex:1;font-size:1rem;padding:.9rem;border-radius:2rem;border:0;font-weight:700;cursor:pointer}
.primary{background:#1ed760;color:#000}.secondary{background:transparent;color:#fff;border:1px solid #777}
</style></head><body>${body}</body></html>`;
}

function errorPage(message: string): string {
  return page('Error — Spotify (simulated)', `<main><h1>Something went wrong</h1><p>${escapeHtml(message)}</p></main>`);
}
