/**
 * What Spotify sent back to a login callback (a person's login and the operator's venue account
 * alike): either the person's refusal or a code to exchange. A callback with neither is bad input.
 */
import type { Request } from 'express';
import { AppError } from '../../shared/errors.js';

export type CallbackAnswer =
  /** `error` is Spotify's word, for the log; `shown` is what the page may say about it. */
  { refused: true; error: string; shown: 'access_denied' | 'login_failed' } | { refused: false; code: string };

export function readCallbackAnswer(req: Request): CallbackAnswer {
  const error = typeof req.query.error === 'string' ? req.query.error : null;
  if (error) return { refused: true, error, shown: error === 'access_denied' ? 'access_denied' : 'login_failed' };
  const code =
    typeof req.query.code === 'string' && req.query.code.length > 0 && req.query.code.length < 2048
      ? req.query.code
      : null;
  if (!code) throw new AppError('bad_request', { message: 'The login answer carries no code.' });
  return { refused: false, code };
}
