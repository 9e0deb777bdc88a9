/**
 * Socket.IO namespaces of PROTOCOL.md: `/` for the audience (the session cookie identifies a
 * logged-in phone), `/operator` and `/bridge` behind tokens checked at the handshake. Every new
 * connection gets the current state from Redis at once, so a reconnecting client misses nothing.
 */
import type { IncomingMessage } from 'node:http';
import type { Namespace, Server, Socket } from 'socket.io';
import type { Config } from '../../shared/config.js';
import type { ClientToServerEvents, Health, ServerToClientEvents } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';
import { queueFull, queueSummary, youStatus, type Line } from '../../shared/queue/line.js';
import { userRoom } from '../../shared/realtime/fanout.js';
import type { NowPlayingStore } from '../../shared/realtime/now-playing-store.js';
import { safeEqual } from '../../shared/spotify/pkce.js';

export interface SocketData {
  userId: string | null;
}

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type HubNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

interface SessionRequest extends IncomingMessage {
  session?: { userId?: string; operator?: boolean };
}

export interface RealtimeDeps {
  config: Config;
  log: Logger;
  line: Line;
  nowPlaying: NowPlayingStore;
  /** Operators get the health panel at once, then every few seconds. */
  health: () => Promise<Health>;
}

/** Refuses a handshake whose `auth.token` is not the expected secret. */
function tokenAuth(expected: string, allowSession: (req: SessionRequest) => boolean = () => false) {
  return (socket: HubSocket, next: (err?: Error) => void) => {
    const token: unknown = socket.handshake.auth?.token;
    if (typeof token === 'string' && safeEqual(token, expected)) return next();
    if (allowSession(socket.request as SessionRequest)) return next();
    const err = new Error(token === undefined ? 'missing token' : 'invalid token') as Error & { data?: unknown };
    err.data = { code: token === undefined ? 'token_required' : 'invalid_token' };
    next(err);
  };
}

export function setupRealtime(io: HubServer, deps: RealtimeDeps): void {
  const { config, line, nowPlaying } = deps;
  const log = deps.log.child({ module: 'realtime' });

  async function sendCurrentState(socket: HubSocket, withFull: boolean): Promise<void> {
    const [payload, snapshot] = await Promise.all([nowPlaying.current(), line.snapshot()]);
    socket.emit('now_playing', payload);
    socket.emit('queue', queueSummary(snapshot));
    if (socket.data.userId) {
      const you = youStatus(snapshot, await line.user(socket.data.userId));
      if (you) socket.emit('you', you);
    }
    if (withFull) {
      socket.emit('queue_full', queueFull(snapshot, await line.recentlyOut()));
      socket.emit('health', await deps.health());
    }
  }

  function onConnection(nsp: HubNamespace, withFull: boolean) {
    nsp.on('connection', (socket) => {
      socket.data.userId ??= null;
      if (socket.data.userId) void socket.join(userRoom(socket.data.userId));
      socket.on('ping_time', (msg) => {
        const clientTime = typeof msg?.client_time === 'number' ? msg.client_time : 0;
        socket.emit('pong_time', { client_time: clientTime, server_time: Date.now() });
      });
      sendCurrentState(socket, withFull).catch((err: unknown) => {
        log.warn({ err: { message: (err as Error).message } }, 'could not send the current state to a new socket');
      });
    });
  }

  const home = io.of('/');
  home.use((socket, next) => {
    const userId = (socket.request as SessionRequest).session?.userId ?? null;
    socket.data.userId = userId;
    next();
  });
  onConnection(home, false);

  const operator = io.of('/operator');
  operator.use(tokenAuth(config.operatorToken, (req) => req.session?.operator === true));
  onConnection(operator, true);

  const bridge = io.of('/bridge');
  bridge.use(tokenAuth(config.bridgeToken));
  onConnection(bridge, false);
}
