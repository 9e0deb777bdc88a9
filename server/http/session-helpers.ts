/** Promise forms of express-session's callback API, with store failures mapped to 503. */
import type { Request } from 'express';
import { AppError, StoreUnavailableError } from '../../shared/errors.js';

function wrap(run: (done: (err?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((err) => (err ? reject(new StoreUnavailableError(err)) : resolve())));
}

export const saveSession = (req: Request) => wrap((done) => req.session.save(done));
export const regenerateSession = (req: Request) => wrap((done) => req.session.regenerate(done));
export const destroySession = (req: Request) => wrap((done) => req.session.destroy(done));

/** The logged-in user of this request, or a 401. */
export function requireUser(req: Request): { userId: string; displayName: string } {
  const { userId, displayName } = req.session ?? {};
  if (!userId) throw new AppError('not_logged_in');
  return { userId, displayName: displayName ?? userId };
}
