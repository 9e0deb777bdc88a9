/** What the HTTP app needs, built by the composition root (server/index.ts) or a test. */
import type { Router } from 'express';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import type { RedisClient } from '../shared/redis.js';
import type { Line } from '../shared/queue/line.js';
import type { TokenStore } from '../shared/spotify/token-store.js';
import type { TokenRefresher } from '../shared/spotify/token-refresher.js';
import type { AccountsClient } from '../shared/spotify/accounts-client.js';
import type { WebApiClient } from '../shared/spotify/web-api-client.js';
import type { AppTokenCache } from '../shared/spotify/app-token.js';
import type { NowPlayingStore } from '../shared/realtime/now-playing-store.js';

/** Tells every client that the line changed; `affected` users also get their own `you`. */
export interface LineNotifier {
  lineChanged(affected?: readonly string[]): Promise<void>;
}

export interface RateLimits {
  readonly loginPerMinute: number;
  readonly proxyPerMinute: number;
  readonly operatorLoginPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { loginPerMinute: 120, proxyPerMinute: 300, operatorLoginPerMinute: 10 };

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
  readonly appToken: AppTokenCache;
  readonly nowPlaying: NowPlayingStore;
  readonly notify: LineNotifier;
  /** Demo mode: the simulated Spotify, mounted at /sim. */
  readonly simulator?: Router | null;
  readonly rateLimits?: RateLimits;
}
