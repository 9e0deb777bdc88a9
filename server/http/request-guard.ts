/**
 * The last line of defence around the HTTP server: whatever one request does wrong, the process
 * keeps serving the others. Express already turns errors in routes into answers; this catches what
 * escapes it (a synchronous throw in the handler chain, an error event on a request or response
 * stream) and the HTTP parser's own complaints about malformed requests.
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../shared/logger.js';

const INTERNAL_ERROR_BODY = JSON.stringify({
  error: { code: 'internal', message: 'Something went wrong on our side.' },
});

/** Answers 500 (if nothing was sent yet) and logs, instead of letting the error end the process. */
export function failRequest(res: ServerResponse, err: unknown, log: Logger): void {
  log.error(
    { err: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { value: String(err) } },
    'request failed outside the router',
  );
  if (res.destroyed) return;
  if (!res.headersSent) {
    res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(INTERNAL_ERROR_BODY);
  } else {
    res.destroy();
  }
}

/** Wraps a request listener so that an error thrown or emitted by one request stays with it. */
export function guardRequests(handler: RequestListener, log: Logger): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const onStreamError = (err: Error) => failRequest(res, err, log);
    req.on('error', onStreamError);
    res.on('error', onStreamError);
    try {
      handler(req, res);
    } catch (err) {
      failRequest(res, err, log);
    }
  };
}

/**
 * Malformed HTTP (bad request line, oversized headers) gets a bare 400 and a closed socket; the
 * default handler does the same but logs nothing.
 */
export function guardClientErrors(server: Server, log: Logger): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    log.debug({ code: err.code }, 'malformed HTTP request');
    if (socket.writable && !socket.destroyed)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
}
