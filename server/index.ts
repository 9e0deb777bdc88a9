/**
 * Composition root of the HTTP + Socket.IO server: config → Redis → app → listen → graceful
 * shutdown. `startServer` is used by the entry points (server/main.ts, bin/start.ts) and tests.
 */
import { createServer, type RequestListener, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { ServerConfig as Config } from '../shared/config/server.config.js';
import { DEMO_SIMULATOR_PATH } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { keys } from '../shared/redis-keys.js';
import { closeRedis, connectRedis } from '../shared/redis.js';
import { Line } from '../shared/queue/line.js';
import { Fanout } from '../shared/realtime/fanout.js';
import { NowPlayingStore } from '../shared/realtime/now-playing-store.js';
import { AccountsClient } from '../shared/spotify/accounts-client.js';
import { AppTokenCache } from '../shared/spotify/app-token.js';
import { TokenRefresher } from '../shared/spotify/token-refresher.js';
import { TokenStore } from '../shared/spotify/token-store.js';
import { WebApiClient } from '../shared/spotify/web-api-client.js';
import { createSimulatorRouter, SimulatorState } from '../simulator/index.js';
import { createApp } from './app.js';
import type { AppDeps } from './deps.js';
import { clientIpResolver } from './http/client-ip.js';
import { allowedOrigins, handshakeOriginCheck } from './http/origin-guard.js';
import { createBudgets, DEFAULT_RATE_LIMITS, type RateLimits } from './http/rate-limits.js';
import { guardClientErrors, guardRequests } from './http/request-guard.js';
import { handshakeSession } from './realtime/handshake-session.js';
import { keepSlimHandshakeRequests } from './realtime/slim-handshake-request.js';
import { useDirectFrameWrites } from './realtime/direct-frame-write.js';
import { chooseWsEngine } from './realtime/ws-engine.js';
import { CoalescedLineNotifier } from './realtime/coalesced-notifier.js';
import { sessionSockets, setupRealtime, type HubServer } from './realtime/sockets.js';
import { operatorRoutes } from './operator/operator.routes.js';
import { opsRoutes } from './ops/ops.routes.js';
import { createMetrics } from './ops/metrics.js';
import { readHealth } from './ops/health.js';
import { publishCounts, removeCounts } from './ops/client-counts.js';
import { NAMESPACES } from '../shared/realtime/fanout.js';
import { randomBytes } from 'node:crypto';
import { buildAssets } from './pages/client-bundle.js';
import { pagesRoutes } from './pages/pages.routes.js';
import { joinAddressReport } from '../shared/net/join-address.js';
import { databaseOf } from '../shared/ops/redis-database.js';
import { isDisplay } from './realtime/sockets.js';
import { createPollTrigger } from '../shared/ops/poll-now.js';
import { SpotifyRateGate } from '../shared/spotify/rate-gate.js';
import { PicksStore } from '../shared/venue/picks-store.js';
import { connectSimulatorVenue } from '../shared/venue/demo-venue.js';
import { VenueStore } from '../shared/venue/venue-store.js';
import type { Closable } from '../shared/shutdown.js';

/** At most about four line broadcasts a second per server, always ending on the newest state. */
const LINE_BROADCAST_INTERVAL_MS = 250;

/** Pending connections the kernel may hold for the server (see the listen call). */
const LISTEN_BACKLOG = 4096;

export interface StartServerOptions {
  /** Overrides config.port (0: any free port). */
  readonly port?: number;
  readonly host?: string;
  /** Budgets to use instead of the defaults (tests). */
  readonly rateLimits?: Partial<RateLimits>;
  /** Demo mode: an existing simulator state to serve at /sim instead of a fresh one. */
  readonly simulatorState?: SimulatorState;
}

export interface RunningServer extends Closable {
  readonly url: string;
  readonly port: number;
  readonly io: HubServer;
  readonly http: HttpServer;
  /** Present in demo mode: the embedded simulated Spotify. */
  readonly simulator: SimulatorState | null;
}

export async function startServer(
  config: Config,
  log: Logger,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const redisUrl = config.redisUrl ?? 'redis://127.0.0.1:6379';
  // Pub/sub channels carry the database's number (see keys.socketIoChannel).
  const database = databaseOf(redisUrl);
  const redis = await connectRedis({ url: redisUrl, name: 'server', failFast: true }, log);
  const pub = await connectRedis({ url: redisUrl, name: 'server-pub' }, log);
  const sub = await connectRedis({ url: redisUrl, name: 'server-sub' }, log);

  const line = new Line(redis, { turnSeconds: config.turnSeconds, idleSeconds: config.idleSeconds });
  const tokens = new TokenStore(redis, config.tokenEncryptionKey, log);
  // Logins, refreshes and catalog look-ups honour the one app-wide 429 deadline, like the worker.
  const gate = new SpotifyRateGate(redis);
  const accounts = new AccountsClient(config.spotify, { gate });
  const refresher = new TokenRefresher({ redis, store: tokens, accounts, log });
  const nowPlaying = new NowPlayingStore(redis);

  let simulator: SimulatorState | null = null;
  if (config.demoMode) {
    simulator =
      options.simulatorState ??
      new SimulatorState({
        clientId: config.spotify.clientId,
        clientSecret: config.spotify.clientSecret,
        redirectUris: [config.spotify.redirectUri],
        accessTokenSeconds: config.simulator.accessTokenSeconds,
        rotateRefreshTokens: config.simulator.rotateRefreshTokens,
      });
  }

  const clientIp = clientIpResolver(config.trustProxy);
  const rateLimits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const budgets = createBudgets(redis, rateLimits);

  // The HTTP handler is installed before Socket.IO attaches, so that Socket.IO answers everything
  // under /socket.io/ and Express never sees those requests (two handlers on one response crash).
  let appHandler: RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const http = createServer(guardRequests((req, res) => appHandler(req, res), log));
  guardClientErrors(http, log);
  const originAllowed = handshakeOriginCheck(config);
  const ws = await chooseWsEngine(config.wsEngine);
  if (ws.fallbackReason) log.warn({ wsEngine: ws.name, reason: ws.fallbackReason }, 'websocket engine fallback');
  log.info({ wsEngine: ws.name, nativeMasking: ws.nativeMasking }, 'websocket engine');
  const io: HubServer = new Server(http, {
    ...(ws.engine ? { wsEngine: ws.engine } : {}),
    // Socket.IO's default, said out loud: compressing a 750-byte broadcast per socket costs far
    // more CPU and memory (a zlib context per connection) than the bytes it saves.
    perMessageDeflate: false,
    cors: { origin: [...allowedOrigins(config)], credentials: true },
    adapter: createAdapter(pub, sub, { key: keys.socketIoChannel(database) }),
    // Phones on venue Wi-Fi drop briefly: notice dead sockets within ~45 s, not minutes.
    pingInterval: 20_000,
    pingTimeout: 25_000,
    // Clients send only clock pings: anything near this size is abuse, and it closes that connection.
    maxHttpBufferSize: 16 * 1024,
    // Cross-site WebSocket hijacking: a page of another origin never reaches a namespace.
    allowRequest: (req, done) =>
      done(originAllowed(req.headers) ? null : 'origin not allowed', originAllowed(req.headers)),
  });
  // Broadcasts skip Engine.IO's per-socket bookkeeping where that cannot reorder anything.
  const broadcastWrites = useDirectFrameWrites(io);
  // Connections keep the few handshake fields read later, not the whole request.
  keepSlimHandshakeRequests(io);
  const picks = new PicksStore(redis);
  const fanout = new Fanout(io, line, picks);
  const pollTrigger = createPollTrigger(redis, keys.pollNowChannel(database));
  const notify = new CoalescedLineNotifier(fanout, LINE_BROADCAST_INTERVAL_MS, log);

  const deps: AppDeps = {
    config,
    log,
    redis,
    line,
    tokens,
    refresher,
    accounts,
    webApi: new WebApiClient(config.spotify.apiUrl, { gate }),
    spotifyGate: { before: () => gate.before(), limited: (ms, reason) => gate.limited(ms, reason ?? null) },
    appToken: new AppTokenCache(accounts),
    nowPlaying,
    notify,
    simulator: simulator ? createSimulatorRouter(simulator, { mountPath: DEMO_SIMULATOR_PATH }) : null,
    rateLimits,
    budgets,
    clientIp,
    sessionSockets: sessionSockets(io),
    pollTrigger,
  };
  // Bundled now, so a broken page fails start-up instead of the first phone.
  const assets = await buildAssets();
  const metrics = createMetrics({ redis, socketCount: (nsp) => io.of(nsp).sockets.size, broadcastWrites });
  const { app, sessionMiddleware } = createApp(deps, {
    infrastructure: opsRoutes({
      redis,
      metrics,
      maxPollAgeMs: Math.max(10_000, config.pollIntervalMs * 10),
      metricsToken: config.metricsToken,
    }),
    pages: pagesRoutes(config, assets),
    routes: [operatorRoutes(deps)],
  });
  appHandler = app;
  if (simulator) await connectSimulatorVenue(new VenueStore(redis, tokens), simulator);
  io.engine.use(handshakeSession(sessionMiddleware, originAllowed));
  const address = joinAddressReport(config);
  setupRealtime(io, {
    config,
    log,
    line,
    nowPlaying,
    health: () => readHealth(redis, Date.now(), address),
    clientIp,
    secretFailures: budgets.secretFailures,
    picks,
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    // A room scanning the QR code at once, while a broadcast holds the event loop: connections
    // wait in the kernel's accept queue. Node's default (511) overflows and phones retry after 1 s,
    // 3 s…; the kernel caps this at net.core.somaxconn (4096 on current Linux).
    http.listen({ port: options.port ?? config.port, host: options.host ?? config.host, backlog: LISTEN_BACKLOG }, () =>
      resolve(),
    );
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  log.info({ port, publicUrl: config.publicUrl }, 'server listening');

  // Every few seconds: publish this process's socket counts and push health to its operators.
  const instanceId = randomBytes(6).toString('hex');
  const heartbeat = setInterval(() => {
    void (async () => {
      const counts = { '/': 0, '/operator': 0, '/bridge': 0, displays: 0 };
      for (const nsp of NAMESPACES) counts[nsp] = io.of(nsp).sockets.size;
      for (const socket of io.of('/').sockets.values()) if (isDisplay(socket.handshake.auth)) counts.displays += 1;
      await publishCounts(redis, instanceId, counts).catch(() => undefined);
      if (counts['/operator'] > 0)
        io.of('/operator').local.emit('health', await readHealth(redis, Date.now(), address));
    })();
  }, 2000);
  heartbeat.unref();

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    io,
    http,
    simulator,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        await within(
          1000,
          removeCounts(redis, instanceId).catch(() => undefined),
        );
        // Line broadcasts under way finish before the Redis clients close: one publishing through
        // a closed client would fail inside the adapter, where nobody can catch it.
        await within(
          2000,
          notify.flush().catch(() => undefined),
        );
        // Only this process's sockets close (io.close() drops them as a transport close, so
        // clients reconnect, elsewhere behind a load balancer); the rest of the fleet is untouched.
        const closed = new Promise<void>((resolve) => void io.close(() => resolve()));
        // Keep-alive connections would hold the HTTP server open until they time out.
        http.closeAllConnections();
        await within(5000, closed);
        await Promise.all([closeRedis(redis), closeRedis(pub), closeRedis(sub)]);
      })();
      return closing;
    },
  };
}

/** Waits for `promise`, but no longer than `ms`: shutdown must finish even if Redis does not answer. */
async function within(ms: number, promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
