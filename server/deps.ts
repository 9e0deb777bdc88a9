/** What the HTTP app needs, built by the composition root (server/index.ts) or a test. */
import type { Router } from 'express';
import type { ServerConfig as Config } from '../shared/config/server.config.js';
import type { Logger } from '../shared/logger.js';
import type { RedisClient } from '../shared/redis.js';
import type { Line } from '../shared/queue/line.js';
import type { TokenStore } from '../shared/spotify/token-store.js';
import type { PlayerGate } from '../shared/spotify/player-client.js';
import type { TokenRefresher } from '../shared/spotify/token-refresher.js';
import type { AccountsClient } from '../shared/spotify/accounts-client.js';
import type { WebApiClient } from '../shared/spotify/web-api-client.js';
import type { AppTokenCache } from '../shared/spotify/app-token.js';
import type { NowPlayingStore } from '../shared/realtime/now-playing-store.js';
import type { NamespaceName } from '../shared/realtime/fanout.js';
import type { Budgets, RateLimits } from './http/rate-limits.js';
import type { ClientIp } from './http/client-ip.js';

import type { PollTrigger } from '../shared/ops/poll-now.js';

export type { RateLimits } from './http/rate-limits.js';

/** Tells every client that the line changed; `affected` users also get their own `you`. */
export interface LineNotifier {
  lineChanged(affected?: readonly string[]): Promise<void>;
}

/** Ends the live sockets of one browser session on every server (logout). */
export interface SessionSockets {
  disconnect(sessionId: string, namespaces: readonly NamespaceName[]): void;
}

export interface AppDeps {
  readonly config: Config;
  readonly log: Logger;
  /** Fails fast while Redis is down, so requests get a 503 instead of hanging. */
  readonly redis: RedisClient;
  readonly line: Line;
  readonly tokens: TokenStore;
  readonly refresher: TokenRefresher;
  readonly accounts: AccountsClient;
  readonly webApi: WebApiClient;
  /** The one app-wide 429 deadline every call to Spotify honours (the worker's and the server's). */
  readonly spotifyGate: PlayerGate;
  readonly appToken: AppTokenCache;
  readonly nowPlaying: NowPlayingStore;
  readonly notify: LineNotifier;
  /** Demo mode: the simulated Spotify, mounted at /sim. */
  readonly simulator?: Router | null;
  readonly rateLimits: RateLimits;
  /** The same budgets counted in Redis for the whole fleet. */
  readonly budgets: Budgets;
  /** The caller's address under TRUST_PROXY's rules. */
  readonly clientIp: ClientIp;
  readonly sessionSockets: SessionSockets;
  /** Asks the poll workers for an immediate poll: the driver or the turn's clock just changed. */
  readonly pollTrigger: Pick<PollTrigger, 'pollNow'>;
}
