/**
 * Operator check for the venue routes, with the same rules as server/operator/operator.routes.ts:
 * an operator session, or `Authorization: Bearer $OPERATOR_TOKEN` counted against the shared
 * wrong-secret budget (once spent, even the right token waits).
 */
import type { Request } from 'express';
import { AppError } from '../../shared/errors.js';
import { safeEqual } from '../../shared/spotify/pkce.js';
import type { AppDeps } from '../deps.js';
import { rateLimitedError } from '../http/rate-limits.js';

export function operatorCheck(deps: AppDeps): (req: Request) => Promise<void> {
  return async (req) => {
    const auth = req.get('authorization');
    if (auth?.startsWith('Bearer ')) {
      const ip = deps.clientIp(req);
      const verdict = await deps.budgets.secretFailures.check(ip);
      if (!verdict.allowed) throw rateLimitedError(verdict);
      if (safeEqual(auth.slice(7), deps.config.operatorToken)) return;
      await deps.budgets.secretFailures.consume(ip);
      req.log.warn('wrong operator token');
      throw new AppError('operator_auth_required');
    }
    if (req.session?.operator !== true) throw new AppError('operator_auth_required');
  };
}
