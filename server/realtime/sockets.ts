/**
 * Socket.IO namespaces of PROTOCOL.md: `/` for the audience (the session cookie identifies a
 * logged-in phone), `/operator` and `/bridge` behind tokens checked at the handshake. Every new
 * connection gets the current state from Redis at once, so a reconnecting client misses nothing
 * (read once for the sockets that connect together: connect-snapshot.ts).
 * Every socket also joins the room of its browser session, so a logout can end the session's
 * sockets on every server.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Namespace, Server, Socket } from 'socket.io';
import { z } from 'zod';
import type { ServerConfig as Config } from '../../shared/config/server.config.js';
import type { ClientToServerEvents, Health, ServerToClientEvents } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';
import { queueFull, type Line } from '../../shared/queue/line.js';
import { snapshotEvents, type NamespaceName } from '../../shared/hub-state/index.js';
import { userRoom, youStatuses } from '../../shared/realtime/fanout.js';
import type { NowPlayingStore } from '../../shared/realtime/now-playing-store.js';
import type { PicksStore } from '../../shared/venue/picks-store.js';
import { safeEqual } from '../../shared/spotify/pkce.js';
import type { SessionSockets } from '../deps.js';
import type { ClientIp } from '../http/client-ip.js';
import type { SessionFields } from './slim-handshake-request.js';
import { ConnectSnapshots, localRoomsBroadcast } from './connect-snapshot.js';
import type { Budget } from '../http/rate-limits.js';

export interface SocketData {
  userId: string | null;
}

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type HubNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** The handshake request after the session middleware ran on it. */
type SessionRequest = IncomingMessage & SessionFields;

export interface RealtimeDeps {
  config: Config;
  log: Logger;
  line: Line;
  nowPlaying: NowPlayingStore;
  /** Operators get the health panel at once, then every few seconds. */
  health: () => Promise<Health>;
  clientIp: ClientIp;
  /** Wrong tokens per client address, shared with the HTTP sign-in. */
  secretFailures: Budget;
  /** Venue mode: a guest's `you` carries their picks. */
  picks: Pick<PicksStore, 'getMany'>;
}

/**
 * The room of one browser session's sockets. Room names travel between servers over Redis, so
 * they carry a digest of the session id, never the id itself.
 */
export function sessionRoom(sessionId: string): string {
  return `session:${createHash('sha256').update(sessionId).digest('base64url').slice(0, 32)}`;
}

const pingTime = z.object({ client_time: z.number().finite() });

/** The projector view says what it is in its handshake (`auth.client`), so health can count it apart. */
export function isDisplay(auth: unknown): boolean {
  return typeof auth === 'object' && auth !== null && (auth as { client?: unknown }).client === 'display';
}

type HandshakeError = Error & { data?: { code: string; retry_after_seconds?: number } };
function handshakeError(message: string, data: NonNullable<HandshakeError['data']>): HandshakeError {
  const err: HandshakeError = new Error(message);
  err.data = data;
  return err;
}

/**
 * Refuses a handshake whose `auth.token` is not the expected secret. Wrong tokens are counted per
 * client address; once the budget is spent even the right token waits (no guessing at speed).
 */
function tokenAuth(deps: RealtimeDeps, expected: string, allowSession: (req: SessionRequest) => boolean = () => false) {
  return (socket: HubSocket, next: (err?: Error) => void) => {
    void (async () => {
      const ip = deps.clientIp(socket.request);
      const verdict = await deps.secretFailures.check(ip);
      if (!verdict.allowed) {
        return next(
          handshakeError('too many wrong tokens; try again later', {
            code: 'rate_limited',
            retry_after_seconds: verdict.retryAfterSeconds,
          }),
        );
      }
      const token: unknown = socket.handshake.auth?.token;
      if (typeof token === 'string' && safeEqual(token, expected)) return next();
      if (token === undefined && allowSession(socket.request)) return next();
      if (token !== undefined) await deps.secretFailures.consume(ip);
      next(
        handshakeError(token === undefined ? 'missing token' : 'invalid token', {
          code: token === undefined ? 'token_required' : 'invalid_token',
        }),
      );
    })().catch((err: unknown) => next(err instanceof Error ? err : new Error('handshake failed')));
  };
}

/**
 * The clock ping's answer. One function for every socket (Socket.IO calls it with the socket as
 * `this`), so an idle connection holds no closure of its own for it.
 */
function answerPingTime(this: HubSocket, msg: unknown): void {
  const parsed = pingTime.safeParse(msg);
  this.emit('pong_time', { client_time: parsed.success ? parsed.data.client_time : 0, server_time: Date.now() });
}

export function setupRealtime(io: HubServer, deps: RealtimeDeps): void {
  const { config, line, nowPlaying } = deps;
  const log = deps.log.child({ module: 'realtime' });

  /** The snapshot of docs/protocol.md: every event the namespace receives, read fresh from Redis. */
  const snapshots = new ConnectSnapshots(
    {
      async current() {
        const [nowPlayingNow, lineNow] = await Promise.all([nowPlaying.current(), line.snapshot()]);
        return { nowPlaying: nowPlayingNow, line: lineNow };
      },
      async forNamespace(namespace, lineNow) {
        const wanted = new Set(snapshotEvents(namespace));
        const [out, health] = await Promise.all([
          wanted.has('queue_full') ? line.recentlyOut() : null,
          wanted.has('health') ? deps.health() : null,
        ]);
        return { ...(out ? { queue_full: queueFull(lineNow, out) } : {}), ...(health ? { health } : {}) };
      },
      yous: (userIds, lineNow) => youStatuses(line, deps.picks, lineNow, userIds),
    },
    localRoomsBroadcast((name) => io.of(name)),
    log,
  );

  function onConnection(nsp: HubNamespace, namespace: NamespaceName) {
    nsp.on('connection', (socket) => {
      socket.data.userId ??= null;
      const sessionId = (socket.request as SessionRequest).sessionID;
      if (sessionId) void socket.join(sessionRoom(sessionId));
      if (socket.data.userId) void socket.join(userRoom(socket.data.userId));
      socket.on('ping_time', answerPingTime);
      snapshots.add(socket, namespace);
    });
  }

  const home = io.of('/');
  home.use((socket, next) => {
    socket.data.userId = (socket.request as SessionRequest).session?.userId ?? null;
    next();
  });
  onConnection(home, '/');

  const operator = io.of('/operator');
  operator.use(tokenAuth(deps, config.operatorToken, (req) => req.session?.operator === true));
  onConnection(operator, '/operator');

  const bridge = io.of('/bridge');
  bridge.use(tokenAuth(deps, config.bridgeToken));
  onConnection(bridge, '/bridge');
}

/** Logout's reach: through the Redis adapter, the session's sockets on every server. */
export function sessionSockets(io: HubServer): SessionSockets {
  return {
    disconnect(sessionId: string, namespaces: readonly NamespaceName[]) {
      const room = sessionRoom(sessionId);
      for (const nsp of namespaces) io.of(nsp).in(room).disconnectSockets(true);
    },
  };
}
