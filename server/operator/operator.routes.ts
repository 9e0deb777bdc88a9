/**
 * The operator's REST commands (PROTOCOL.md): sign in with OPERATOR_TOKEN, read the whole line,
 * steer it. Scripts may send `Authorization: Bearer <OPERATOR_TOKEN>` instead of a session.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { queueFull } from '../../shared/queue/line.js';
import { safeEqual } from '../../shared/spotify/pkce.js';
import type { AppDeps } from '../deps.js';
import { notifySafely, pollNowSafely } from '../auth/auth.routes.js';
import { rateLimitedError } from '../http/rate-limits.js';
import { regenerateSession, saveSession } from '../http/session-helpers.js';

const loginBody = z.object({ token: z.string().min(1).max(512) });
const userBody = z.object({ userId: z.string().min(1).max(256) });
const moveBody = z.object({ userId: z.string().min(1).max(256), position: z.number().int().min(1).max(100_000) });
const settingsBody = z
  .object({
    turnSeconds: z.number().int().min(10).max(86_400).optional(),
    idleSeconds: z.number().int().min(5).max(3_600).optional(),
  })
  .refine((b) => b.turnSeconds !== undefined || b.idleSeconds !== undefined, 'give turnSeconds, idleSeconds or both');

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new AppError('invalid_body', { message: `The request body is not valid (${detail}).` });
  }
  return r.data;
}

export function operatorRoutes(deps: AppDeps): Router {
  const { config, line } = deps;
  const router = Router();

  const failures = deps.budgets.secretFailures;

  /**
   * Checks a presented operator token. Wrong ones are counted per client address; once the budget
   * is spent every token waits, the right one too, so guessing gains nothing from speed.
   */
  const checkToken = async (req: Request, token: string): Promise<boolean> => {
    const ip = deps.clientIp(req);
    const verdict = await failures.check(ip);
    if (!verdict.allowed) throw rateLimitedError(verdict);
    if (safeEqual(token, config.operatorToken)) return true;
    await failures.consume(ip);
    req.log.warn('wrong operator token');
    return false;
  };

  const isOperator = async (req: Request): Promise<boolean> => {
    const auth = req.get('authorization');
    if (auth?.startsWith('Bearer ')) return checkToken(req, auth.slice(7));
    return req.session?.operator === true;
  };
  const requireOperator = async (req: Request) => {
    if (!(await isOperator(req))) throw new AppError('operator_auth_required');
  };

  router.post('/api/operator/login', async (req, res) => {
    const { token } = parse(loginBody, req.body);
    if (!(await checkToken(req, token))) throw new AppError('invalid_operator_token');
    // A new session id for the raised privilege; an audience login in the same browser is kept.
    const { userId, displayName, kind } = req.session;
    await regenerateSession(req);
    if (userId) req.session.userId = userId;
    if (displayName) req.session.displayName = displayName;
    if (kind) req.session.kind = kind;
    req.session.operator = true;
    await saveSession(req);
    req.log.info('operator signed in');
    res.json({ operator: true });
  });

  router.post('/api/operator/logout', async (req, res) => {
    if (req.session.operator) {
      delete req.session.operator;
      await saveSession(req);
      // The dashboard's live sockets lose the line and health at once, on every server.
      deps.sessionSockets.disconnect(req.sessionID, ['/operator']);
    }
    res.json({ operator: false });
  });

  router.get('/api/operator/session', async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ operator: await isOperator(req) });
  });

  router.get('/api/operator/queue', async (req, res) => {
    await requireOperator(req);
    const [snapshot, out] = await Promise.all([line.snapshot(), line.recentlyOut()]);
    res.set('Cache-Control', 'no-store').json(queueFull(snapshot, out));
  });

  router.post('/api/operator/skip', async (req, res) => {
    await requireOperator(req);
    const skipped = await line.skip();
    if (skipped) await notifySafely(req, deps, [skipped]);
    await pollNowSafely(req, deps);
    req.log.info({ skipped }, 'operator skipped the turn');
    res.json({ skipped });
  });

  router.post('/api/operator/remove', async (req, res) => {
    await requireOperator(req);
    const { userId } = parse(userBody, req.body);
    const where = await line.takeOut(userId, 'removed');
    if (!where) throw new AppError('not_in_line', { message: 'That user is neither waiting nor driving.' });
    await notifySafely(req, deps, [userId]);
    if (where === 'active') await pollNowSafely(req, deps);
    req.log.info({ userId, where }, 'operator removed a user');
    res.json({ removed: userId, was: where });
  });

  router.post('/api/operator/move', async (req, res) => {
    await requireOperator(req);
    const { userId, position } = parse(moveBody, req.body);
    const taken = await line.move(userId, position);
    if (taken === null) throw new AppError('not_in_line');
    await notifySafely(req, deps, []);
    res.json({ userId, position: taken });
  });

  // Pause and resume differ only in the line's state they set: the same route, one per state.
  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    router.post(`/api/operator/${action}`, async (req, res) => {
      await requireOperator(req);
      await (paused ? line.pause() : line.resume());
      await notifySafely(req, deps, []);
      await pollNowSafely(req, deps);
      res.json({ paused });
    });
  }

  router.put('/api/operator/settings', async (req, res) => {
    await requireOperator(req);
    const body = parse(settingsBody, req.body);
    await line.updateSettings(body);
    await notifySafely(req, deps, []);
    await pollNowSafely(req, deps);
    const s = await line.snapshot();
    res.json({ turnSeconds: s.turn_seconds, idleSeconds: s.idle_seconds });
  });

  return router;
}
