/** pino-http with request ids and URLs whose secret query values (code, state) are masked. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import { redactUrl, type Logger } from '../../shared/logger.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export function requestLogger(log: Logger) {
  return pinoHttp({
    logger: log.child({ module: 'http' }),
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    serializers: {
      // Our own shape: no headers at all, so no cookie or authorization can reach the log.
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
    // Probes poll these every few seconds; /readyz's 503 before the first poll is an expected
    // state (Redis and poll problems have their own log lines), not a request error with a stack.
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' || req.url === '/readyz' },
  });
}
