/**
 * Engine.IO keeps each connection's handshake request for the connection's life, only so that
 * Socket.IO's namespace handshakes (`socket.handshake`) and the hub's socket middleware can read a
 * few of its fields: headers, URL and query, the client's address, the session. The whole
 * IncomingMessage (raw headers, parser state, stream bookkeeping, and with a session cookie the
 * express-session objects around it) is about a tenth of an idle connection's heap. Each
 * connection keeps a copy of just those fields instead, taken when it opens, and the request
 * itself is let go (for WebSocket upgrades, see `releaseUpgradeRequest`).
 */
import { ServerResponse, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';

/** What the hub's session middleware leaves on a handshake request. */
export interface SessionFields {
  sessionID?: string;
  session?: { userId?: string; operator?: boolean };
}

/** The fields read after a connection opened, and nothing else. */
export interface SlimHandshakeRequest extends SessionFields {
  headers: IncomingHttpHeaders;
  url: string | undefined;
  method: string | undefined;
  _query: Record<string, string> | undefined;
  /** proxy-addr reads `socket`, Socket.IO's `handshake.secure` reads `connection`. */
  socket: { remoteAddress: string | undefined; encrypted: boolean };
  connection: { remoteAddress: string | undefined; encrypted: boolean };
}

type EngineRequest = IncomingMessage & SessionFields & { _query?: Record<string, string> };

export function slimHandshakeRequest(req: EngineRequest): SlimHandshakeRequest {
  const address = {
    remoteAddress: req.socket?.remoteAddress,
    encrypted: (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true,
  };
  const slim: SlimHandshakeRequest = {
    headers: req.headers,
    url: req.url,
    method: req.method,
    _query: req._query,
    socket: address,
    connection: address,
  };
  if (req.sessionID !== undefined) slim.sessionID = req.sessionID;
  // The session's data only: express-session's Session object points back at the request.
  if (req.session) slim.session = { userId: req.session.userId, operator: req.session.operator };
  return slim;
}

type EngineMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Engine.IO's stand-in response for a WebSocket upgrade keeps the request, and a listener on the
 * TCP socket's `close` keeps that response for the connection's life. Its last use of the request
 * is `writeHead()`, which Engine.IO calls once the middlewares are done (express-session sets its
 * cookie header then); after that the upgrade goes on with the request itself.
 */
const releaseUpgradeRequest: EngineMiddleware = (_req, res, next) => {
  if (!(res instanceof ServerResponse)) {
    const upgrade = res as unknown as { req: unknown; writeHead: (...args: unknown[]) => unknown };
    const writeHead = upgrade.writeHead;
    upgrade.writeHead = function (this: typeof upgrade, ...args: unknown[]) {
      const result = writeHead.apply(this, args);
      this.req = null;
      // This wrapper (and what it closes over) goes too.
      this.writeHead = writeHead;
      return result;
    };
  }
  next();
};

/** Every connection of `io` keeps the slim copy of its handshake request from now on. */
export function keepSlimHandshakeRequests(io: Server): void {
  io.engine.use(releaseUpgradeRequest);
  io.engine.on('connection', (conn: { request: unknown }) => {
    conn.request = slimHandshakeRequest(conn.request as EngineRequest);
  });
}
