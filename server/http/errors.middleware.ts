/**
 * The one place errors become responses: `{"error":{"code","message"}}` with the table's status.
 * Unknown errors are logged in full and answered as a bare 500; nothing sends a stack trace.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ERRORS, StoreUnavailableError, isAppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { renderErrorPage } from '../pages/error-page.js';
import { pageLanguage } from '../pages/page-language.js';

/** Routes a person reaches by navigating (not by fetch): they get a small page, not JSON. */
const PAGE_ROUTES = new Set(['/login', '/callback', '/logout']);

function isRedisError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    /^(ClientClosedError|ClientOfflineError|SocketClosedUnexpectedlyError|ConnectionTimeoutError|ReconnectStrategyError|SocketTimeoutError)$/.test(
      err.name,
    ) || /ECONNREFUSED|The client is closed|client is offline/i.test(err.message)
  );
}

/**
 * body-parser's errors (http-errors with a 4xx `status`): a malformed body, a broken gzip/br
 * stream, an unknown Content-Encoding or charset, an oversized body. They are the client's fault.
 */
function bodyError(err: unknown): AppError | null {
  const e = err as { type?: unknown; status?: unknown } | null;
  if (typeof e?.status !== 'number' || e.status < 400 || e.status >= 500) return null;
  if (e.type === 'entity.too.large') return new AppError('payload_too_large', { cause: err });
  if (e.status === 415) return new AppError('unsupported_encoding', { cause: err });
  if (e.type === 'entity.parse.failed' || e.type === 'entity.verify.failed')
    return new AppError('invalid_body', { message: 'The request body is not valid JSON.', cause: err });
  return new AppError('invalid_body', {
    message: 'The request body could not be read (bad compression or length).',
    cause: err,
  });
}

function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const fromBody = bodyError(err);
  if (fromBody) return fromBody;
  if (isRedisError(err)) return new StoreUnavailableError(err);
  return new AppError('internal', { cause: err });
}

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.status < 500 && appError.cause !== undefined) {
      // A client's mistake: worth a line, never a stack.
      req.log?.warn(
        { code: appError.code, reason: appError.cause instanceof Error ? appError.cause.message : undefined },
        'request refused',
      );
    }
    if (appError.status >= 500) {
      const cause: unknown = appError.code === 'internal' ? err : appError.cause;
      req.log?.error(
        {
          err: cause instanceof Error ? { name: cause.name, message: cause.message, stack: cause.stack } : cause,
          code: appError.code,
        },
        'request failed',
      );
      if (!req.log) log.error({ code: appError.code }, 'request failed');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (appError.code === 'rate_limited' || appError.code === 'spotify_rate_limited') {
      const retry = appError.details?.retry_after_seconds;
      if (typeof retry === 'number') res.set('Retry-After', String(retry));
    }
    res.status(appError.status);
    if (PAGE_ROUTES.has(req.path) && req.accepts(['json', 'html']) === 'html') {
      res.type('html').send(
        renderErrorPage({
          status: appError.status,
          message: appError.expose ? appError.message : ERRORS.internal.message,
          lang: pageLanguage(req),
        }),
      );
      return;
    }
    res.json(appError.toJSON());
  };
}

export const notFound: RequestHandler = (_req, _res, next) => next(new AppError('not_found'));
