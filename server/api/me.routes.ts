/** The audience's own view: who am I, where am I in the line, and joining or leaving it. */
import { Router, type Request } from 'express';
import { AppError } from '../../shared/errors.js';
import { youStatus } from '../../shared/queue/line.js';
import type { GuestPickWire, YouStatus } from '../../shared/events.js';
import { Bans } from '../../shared/venue/bans.js';
import { PicksStore } from '../../shared/venue/picks-store.js';
import type { AppDeps } from '../deps.js';
import { notifySafely, pollNowIfDriving, pollNowSafely } from '../auth/auth.routes.js';
import { requireUser } from '../http/session-helpers.js';
import { limit } from '../http/rate-limits.js';

export interface MeResponse {
  logged_in: boolean;
  user: { id: string; display_name: string } | null;
  queue: YouStatus | null;
  /** Venue mode: 'guest' for a name-only member, else 'spotify' (absent when logged out). */
  kind?: 'spotify' | 'guest';
  /** Venue mode, guests only: their picks in order. */
  picks?: GuestPickWire[];
}

export function meRoutes(deps: AppDeps): Router {
  const { line, tokens, nowPlaying } = deps;
  const picks = new PicksStore(deps.redis);
  const bans = new Bans(deps.redis);
  const router = Router();

  async function me(req: Request): Promise<MeResponse> {
    const userId = req.session.userId;
    if (!userId) return { logged_in: false, user: null, queue: null };
    const [snapshot, record] = await Promise.all([line.snapshot(), line.user(userId)]);
    const guest = req.session.kind === 'guest';
    return {
      logged_in: true,
      user: { id: userId, display_name: req.session.displayName ?? record?.display_name ?? userId },
      queue: youStatus(snapshot, record),
      kind: guest ? 'guest' : 'spotify',
      ...(guest ? { picks: (await picks.get(userId)).picks } : {}),
    };
  }

  router.get('/api/me', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await me(req));
  });

  // Joining and leaving broadcast to every screen: a budget per browser session and per address.
  const lineActions = limit(
    {
      budget: deps.budgets.lineActionsPerSession,
      key: (req) => (req.session.userId ? `session:${req.sessionID}` : null),
    },
    { budget: deps.budgets.lineActionsPerIp, key: (req) => deps.clientIp(req) },
  );

  router.post('/api/queue/join', lineActions, async (req, res) => {
    const { userId, displayName } = requireUser(req);
    const guest = req.session.kind === 'guest';
    if (await bans.isBanned({ userId, sessionId: req.sessionID, name: guest ? displayName : null }))
      throw new AppError('banned');
    // Without stored tokens (revoked, logged out elsewhere) there is nothing to poll: log in again.
    // Guests have no tokens: the venue account plays for them.
    if (!guest && !(await tokens.load(userId))) throw new AppError('spotify_session_expired');
    await line.join(userId, displayName, guest ? 'guest' : 'spotify');
    await notifySafely(req, deps, [userId]);
    await pollNowIfDriving(req, deps, userId);
    res.json(await me(req));
  });

  router.post('/api/queue/leave', lineActions, async (req, res) => {
    const { userId } = requireUser(req);
    const was = await line.takeOut(userId, 'left');
    if (was) await notifySafely(req, deps, [userId]);
    if (was === 'active') await pollNowSafely(req, deps);
    res.json(await me(req));
  });

  router.get('/api/now-playing', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await nowPlaying.current());
  });

  return router;
}
