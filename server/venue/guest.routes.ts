/**
 * Guests (PROTOCOL.md "Venue mode"): join the line with a name, search the catalog, choose picks
 * for their turn; operators ban and veto. Names and titles travel as JSON data only.
 */
import { createHash } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { youStatus } from '../../shared/queue/line.js';
import { keys } from '../../shared/redis-keys.js';
import { SpotifyError } from '../../shared/spotify/spotify-error.js';
import { Bans } from '../../shared/venue/bans.js';
import { newGuestId } from '../../shared/venue/guest-id.js';
import { guestNameKey, normaliseGuestName } from '../../shared/venue/guest-name.js';
import { cooldowns } from '../../shared/venue/played.js';
import { PicksStore, type GuestPick } from '../../shared/venue/picks-store.js';
import { catalogTrack, normaliseQuery, SEARCH_LIMIT } from '../../shared/venue/catalog-search.js';
import { CatalogTracks } from '../../shared/venue/catalog-tracks.js';
import type { AppDeps } from '../deps.js';
import { notifySafely, pollNowSafely } from '../auth/auth.routes.js';
import { limit } from '../http/rate-limits.js';
import { regenerateSession, requireUser, saveSession } from '../http/session-helpers.js';
import { operatorCheck } from './operator-auth.js';

const SEARCH_CACHE_SECONDS = 120;
const TRACK_URI = /^spotify:track:([0-9A-Za-z]{22})$/;

const joinBody = z.object({ name: z.unknown() });
const picksBody = z.object({ uris: z.array(z.string().max(64)).max(50) });
const banBody = z.object({ userId: z.string().min(1).max(256) });
const vetoBody = z.object({ userId: z.string().min(1).max(256), uri: z.string().min(1).max(64) });

function bodyOf<T>(schema: z.ZodType<T>, body: unknown, hint: string): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new AppError('invalid_body', { message: `The request body is not valid: send ${hint}.` });
  return r.data;
}

export function guestRoutes(deps: AppDeps): Router {
  const { config, redis, line, appToken, webApi } = deps;
  const router = Router();
  const picks = new PicksStore(redis);
  const catalogTracks = new CatalogTracks(redis);
  const bans = new Bans(redis);
  const requireOperator = operatorCheck(deps);

  const lineActions = limit(
    { budget: deps.budgets.lineActionsPerSession, key: (req) => `session:${req.sessionID}` },
    { budget: deps.budgets.lineActionsPerIp, key: (req) => deps.clientIp(req) },
  );
  const searches = limit(
    { budget: deps.budgets.searchPerSession, key: (req) => `session:${req.sessionID}` },
    { budget: deps.budgets.searchPerIp, key: (req) => deps.clientIp(req) },
  );

  const requireGuest = (req: Request) => {
    const who = requireUser(req);
    if (req.session.kind !== 'guest') throw new AppError('not_a_guest');
    return who;
  };

  async function meBody(req: Request) {
    const userId = req.session.userId!;
    const [snapshot, record, mine] = await Promise.all([line.snapshot(), line.user(userId), picks.get(userId)]);
    return {
      logged_in: true,
      user: { id: userId, display_name: req.session.displayName ?? userId },
      queue: youStatus(snapshot, record),
      kind: 'guest' as const,
      picks: mine.picks,
    };
  }

  /** For the phone page: whether to offer "Join with a name" (GUESTS on and a venue connected). */
  router.get('/api/guest/status', async (_req, res) => {
    const venueConnected = (await redis.exists(keys.venue())) === 1;
    res.set('Cache-Control', 'no-store').json({
      enabled: config.venue.guests,
      venue_connected: venueConnected,
      picks_per_turn: config.venue.picksPerTurn,
    });
  });

  router.post('/api/guest/join', lineActions, async (req, res) => {
    if (!config.venue.guests) throw new AppError('guests_disabled');
    const { name: raw } = bodyOf(joinBody, req.body, '{"name":"…"}');
    const name = normaliseGuestName(raw);
    if (name === null) throw new AppError('invalid_name');
    const previous = req.session.userId ?? null;
    const wasGuest = req.session.kind === 'guest';
    if (await bans.isBanned({ userId: previous, sessionId: req.sessionID, name })) throw new AppError('banned');

    // A guest joining again keeps their id; anyone else (a not-registered Spotify login, a fresh
    // phone) becomes a new guest. A member with their own Spotify leaves the line as that member.
    const guestId = wasGuest && previous ? previous : newGuestId();
    if (previous && !wasGuest && (await line.takeOut(previous, 'left'))) await notifySafely(req, deps, [previous]);
    const pendingLogins = req.session.pendingLogins;
    const operator = req.session.operator;
    await regenerateSession(req);
    req.session.userId = guestId;
    req.session.displayName = name;
    req.session.kind = 'guest';
    if (operator) req.session.operator = operator;
    if (pendingLogins && Object.keys(pendingLogins).length > 0) req.session.pendingLogins = pendingLogins;
    await saveSession(req);
    await redis.hSet(keys.guest(guestId), {
      id: guestId,
      name,
      name_key: guestNameKey(name),
      session_id: req.sessionID,
      joined_at: String(Date.now()),
    });
    await redis.expire(keys.guest(guestId), 24 * 3600);
    await line.join(guestId, name, 'guest');
    req.log.info({ userId: guestId }, 'guest joined');
    await notifySafely(req, deps, [guestId]);
    res
      .status(201)
      .set('Cache-Control', 'no-store')
      .json(await meBody(req));
  });

  router.get('/api/catalog/search', searches, async (req, res) => {
    requireUser(req);
    const q = typeof req.query.q === 'string' ? req.query.q.trim() : '';
    if (q.length < 1 || q.length > 100)
      throw new AppError('bad_request', { message: 'q must be 1 to 100 characters.' });
    const query = normaliseQuery(q);
    const cacheKey = keys.catalogSearch(createHash('sha256').update(query).digest('base64url'));
    const cached = await redis.get(cacheKey);
    if (cached) return void res.set('Cache-Control', 'no-store').type('application/json').send(cached);
    const params = new URLSearchParams({ q: query, type: 'track', limit: String(SEARCH_LIMIT) });
    const answer = await withAppToken((token) => webApi.get(`/v1/search?${params.toString()}`, token));
    const items = z.object({ tracks: z.object({ items: z.array(z.unknown()).nullish() }).nullish() }).safeParse(answer);
    const tracks = (items.success ? (items.data.tracks?.items ?? []) : []).flatMap((t) => catalogTrack(t) ?? []);
    const body = JSON.stringify({ items: tracks });
    await redis.set(cacheKey, body, { EX: SEARCH_CACHE_SECONDS });
    await catalogTracks.remember(tracks);
    res.set('Cache-Control', 'no-store').type('application/json').send(body);
  });

  router.get('/api/picks', async (req, res) => {
    const { userId } = requireGuest(req);
    const mine = await picks.get(userId);
    res
      .set('Cache-Control', 'no-store')
      .json({ picks: mine.picks, max: config.venue.picksPerTurn, started: mine.started });
  });

  router.put('/api/picks', lineActions, async (req, res) => {
    const { userId } = requireGuest(req);
    const r = picksBody.safeParse(req.body);
    if (!r.success) throw new AppError('invalid_pick', { message: 'Send {"uris":["spotify:track:…", …]}.' });
    const uris = r.data.uris;
    if (uris.length > config.venue.picksPerTurn)
      throw new AppError('invalid_pick', {
        message: `At most ${config.venue.picksPerTurn} picks per turn.`,
        details: { max: config.venue.picksPerTurn },
      });
    const bad = uris.find((u) => !TRACK_URI.test(u));
    if (bad !== undefined)
      throw new AppError('invalid_pick', {
        message: 'Picks must be Spotify track URIs like spotify:track:4uLU6hMCjMI75M1A2tKUQC.',
      });
    if (new Set(uris).size !== uris.length)
      throw new AppError('invalid_pick', { message: 'Each track may be picked once.' });

    const current = await picks.get(userId);
    const snapshot = await line.snapshot();
    const active = snapshot.active?.user_id === userId;
    const locked = active ? current.picks.slice(0, current.started).map((p) => p.uri) : [];
    if (locked.some((u, i) => uris[i] !== u)) throw new AppError('picks_locked', { details: { started: locked } });

    const fresh = uris.filter((u) => !current.picks.some((p) => p.uri === u));
    const cooling = await cooldowns(redis, fresh, config.venue.trackCooldownMinutes);
    if (cooling.size > 0) {
      const [uri, freesAt] = [...cooling][0]!;
      throw new AppError('track_cooldown', { details: { uri, frees_at: freesAt } });
    }
    const known = new Map(current.picks.map((p) => [p.uri, p]));
    for (const [uri, pick] of await catalogTracks.recall(uris.filter((u) => !known.has(u)))) known.set(uri, pick);
    const missing = uris.filter((u) => !known.has(u));
    for (const pick of await Promise.all(missing.map(lookUpTrack))) if (pick) known.set(pick.uri, pick);
    const unknown = uris.find((u) => !known.has(u));
    if (unknown !== undefined)
      throw new AppError('invalid_pick', { message: 'That track is not in the catalog.', details: { uri: unknown } });
    const next: GuestPick[] = uris.map((u) => known.get(u)!);
    await picks.set(userId, { picks: next, started: active ? current.started : 0 });
    // A driving guest's change reaches the venue's player at the next poll: ask for it now.
    if (active) await pollNowSafely(req, deps);
    res.json({ picks: next, max: config.venue.picksPerTurn, started: active ? current.started : 0 });
  });

  router.post('/api/operator/ban', async (req, res) => {
    await requireOperator(req);
    const { userId } = bodyOf(banBody, req.body, '{"userId":"…"}');
    const record = await line.user(userId);
    if (!record) throw new AppError('user_not_found');
    const guest = await redis.hGetAll(keys.guest(userId));
    await bans.ban(
      userId,
      record.kind === 'guest' || guest.id
        ? { name: guest.name ?? record.display_name, sessionId: guest.session_id ?? null }
        : null,
    );
    await line.takeOut(userId, 'removed');
    await picks.clear(userId);
    req.log.info({ userId }, 'operator banned a member');
    await notifySafely(req, deps, [userId]);
    res.json({ banned: userId });
  });

  /** The operator's view of one member's picks (to veto from the line view). */
  router.get('/api/operator/picks', async (req, res) => {
    await requireOperator(req);
    const userId =
      typeof req.query.userId === 'string' && req.query.userId.length > 0 && req.query.userId.length <= 256
        ? req.query.userId
        : null;
    if (!userId) throw new AppError('bad_request', { message: 'Give ?userId=….' });
    const mine = await picks.get(userId);
    res.set('Cache-Control', 'no-store').json({ userId, picks: mine.picks, started: mine.started });
  });

  router.post('/api/operator/veto', async (req, res) => {
    await requireOperator(req);
    const { userId, uri } = bodyOf(vetoBody, req.body, '{"userId":"…","uri":"spotify:track:…"}');
    const mine = await picks.get(userId);
    const at = mine.picks.findIndex((p) => p.uri === uri);
    if (at < 0) throw new AppError('not_found', { message: 'That member has no such pick.' });
    if (at < mine.started) throw new AppError('picks_locked');
    const next = mine.picks.filter((_, i) => i !== at);
    await picks.set(userId, { picks: next, started: mine.started });
    req.log.info({ userId, uri }, 'operator vetoed a pick');
    await notifySafely(req, deps, [userId]);
    res.json({ userId, picks: next });
  });

  /** One track by URI (`GET /v1/tracks/{id}`); null when Spotify does not know it. */
  async function lookUpTrack(uri: string): Promise<GuestPick | null> {
    const id = TRACK_URI.exec(uri)![1]!;
    const answer = await withAppToken(async (token) => {
      try {
        return await webApi.get(`/v1/tracks/${id}`, token);
      } catch (err) {
        // An unknown id is an answer, not a failure (a refused token still goes to the retry).
        if (err instanceof SpotifyError && (err.code === 'not_found' || err.code === 'bad_request')) return null;
        throw err;
      }
    });
    return catalogTrack(answer);
  }

  /** Runs a catalog call with the app token, fetching a new one once if Spotify refused it. */
  async function withAppToken(call: (token: string) => Promise<unknown>): Promise<unknown> {
    try {
      try {
        return await call(await appToken.get());
      } catch (err) {
        if (!(err instanceof SpotifyError && err.code === 'unauthorized')) throw err;
        appToken.invalidate();
        return await call(await appToken.get());
      }
    } catch (err) {
      if (!(err instanceof SpotifyError)) throw err;
      if (err.code === 'rate_limited')
        throw new AppError('spotify_rate_limited', {
          cause: err,
          details: { retry_after_seconds: Math.ceil((err.retryAfterMs ?? 1000) / 1000) },
        });
      if (err.code === 'unreachable') throw new AppError('spotify_unreachable', { cause: err });
      if (err.code === 'invalid_client')
        throw new AppError('service_unavailable', {
          message: 'Catalog look-ups need the app’s client secret (SPOTIFY_CLIENT_SECRET).',
          cause: err,
        });
      throw new AppError('spotify_error', { cause: err });
    }
  }

  return router;
}
