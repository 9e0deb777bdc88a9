/**
 * `npm run doctor`'s venue account check (venue mode, PROTOCOL.md "Venue mode"): is a venue
 * account connected, do its tokens still work, and does Spotify show it a device to play guests'
 * picks on? Judged as the operator page's venue panel judges it (server/venue/venue.routes.ts
 * `status()`), with the hub's own pieces: the sealed `TokenStore`, the single-flight
 * `TokenRefresher` (a rotated refresh token is saved, never lost), the app-wide 429 gate, and
 * `PlayerClient`. Never throws, never prints a token.
 */
import { createClient } from 'redis';
import { z } from 'zod';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';
import { AccountsClient } from '../spotify/accounts-client.js';
import { PlayerClient, type PlayerDevice } from '../spotify/player-client.js';
import { SpotifyRateGate } from '../spotify/rate-gate.js';
import { SpotifyError } from '../spotify/spotify-error.js';
import { TokenRefresher } from '../spotify/token-refresher.js';
import { TokenStore } from '../spotify/token-store.js';
import { WebApiClient } from '../spotify/web-api-client.js';
import { VENUE_ACCOUNT_ID, VenueStore, type VenueAccount } from '../venue/venue-store.js';
import { venueProblemOf } from '../venue/venue-problem.js';
import type { Finding } from './doctor-checks.js';
import { TIMEOUT_MS } from './doctor-probes.js';

const subject = 'venue account';
const finding = (status: Finding['status'], message: string): Finding => ({ status, subject, message });
const productSchema = z.object({ product: z.string().nullish() });

/** What Spotify showed for a connected venue account. */
export interface VenueFacts {
  readonly account: VenueAccount;
  readonly devices: readonly PlayerDevice[];
  /** Spotify's `product` now if /v1/me still says it (not for Development Mode apps since 2026), else at connect time. */
  readonly product: string | null;
}

/** Demo mode and GUESTS=off leave nothing to check; null: venue mode is on. */
export function venueModeFinding(config: Config): Finding | null {
  if (config.demoMode) return finding('info', "demo mode: the simulator's venue account plays guests' picks");
  if (!config.venue.guests) return finding('info', 'GUESTS is off: venue mode is off, nothing to check');
  return null;
}

export const notConnected = (): Finding =>
  finding(
    'warn',
    'no venue account is connected: guests\' picks have nowhere to play, and phones offer only "Connect Spotify". On /operator press "Connect venue account" and sign in with the venue\'s Spotify Premium account',
  );

const nameOf = (a: VenueAccount) => (a.display_name === a.id ? a.id : `"${a.display_name}" (${a.id})`);
const connectAgain = (a: VenueAccount, why: string) =>
  finding('fail', `${nameOf(a)}: ${why}. Connect the venue account again on /operator`);
const needsPremium = (a: VenueAccount, why: string) =>
  finding(
    'fail',
    `${nameOf(a)} ${why}: this account needs Premium. Upgrade it, or connect a Premium account on /operator`,
  );

/** A connected account whose tokens are not readable: gone (revoked) or sealed with another key. */
export function tokensMissing(account: VenueAccount, sealedWithAnotherKey: boolean): Finding {
  return sealedWithAnotherKey
    ? finding(
        'fail',
        `${nameOf(account)}: its stored tokens do not open with this TOKEN_ENCRYPTION_KEY (the hub sealed them with another). Run doctor with the hub's settings, or connect the venue account again on /operator`,
      )
    : connectAgain(account, 'its Spotify access is gone (revoked, or unused for months)');
}

function deviceLabel(d: PlayerDevice, account: VenueAccount): string {
  const marks = [
    d.type,
    ...(d.id === account.device_id ? ['chosen on /operator'] : []),
    ...(d.is_active ? ['active'] : []),
  ];
  return `"${d.name}" (${marks.join(', ')})`;
}

/** The account, its product and the devices Spotify shows it: ready, or what the crew must do. */
export function judgeVenue({ account, devices, product }: VenueFacts): Finding {
  const name = nameOf(account);
  if (product !== null && product !== 'premium') return needsPremium(account, `has Spotify ${product}`);
  if (product === null && account.problem === 'premium_required')
    return needsPremium(account, 'was refused its last play (PREMIUM_REQUIRED)');
  const all = devices.map((d) => deviceLabel(d, account)).join(', ');
  if (devices.length === 0)
    return finding(
      'warn',
      `${name} is connected but Spotify shows it no device: open the Spotify app on the venue computer, signed in as ${account.display_name}`,
    );
  if (account.device_id !== null && !devices.some((d) => d.id === account.device_id))
    return finding(
      'warn',
      `${name}: the device chosen on /operator is not open (Spotify shows ${all}), so guests' picks would not play. Open Spotify on it, or choose another device on /operator`,
    );
  const plays = devices.find((d) => d.id === account.device_id) ?? devices.find((d) => d.is_active);
  if (!plays)
    return finding(
      'warn',
      `${name}: Spotify shows ${all} but none is active. Press play once in the Spotify app on the venue computer, or choose a device on /operator`,
    );
  const others = devices.filter((d) => d !== plays).map((d) => deviceLabel(d, account));
  return finding(
    'ok',
    `${name} plays guests' picks on ${deviceLabel(plays, account)}${others.length ? `; also open: ${others.join(', ')}` : ''}`,
  );
}

/** What a failed devices call (refresh included) means for the crew. */
export function judgeVenueError(account: VenueAccount, err: unknown): Finding {
  const name = nameOf(account);
  const problem = venueProblemOf(err);
  if (problem === 'revoked') return tokensMissing(account, false);
  if (problem === 'premium_required') return needsPremium(account, 'is refused by Spotify (PREMIUM_REQUIRED)');
  if (problem === 'no_device')
    return finding(
      'warn',
      `${name} is connected but has no device: open the Spotify app on the venue computer, signed in as ${account.display_name}`,
    );
  if (!(err instanceof SpotifyError))
    return finding('warn', `could not ask Spotify for ${name}'s devices: ${(err as Error).message}`);
  const seconds = Math.ceil((err.retryAfterMs ?? 1000) / 1000);
  if (err.code === 'rate_limited')
    return finding(
      'warn',
      err.local
        ? `not checked: the hub is waiting out Spotify's rate limit (429) for another ${seconds} s. Run doctor again after`
        : `Spotify answered 429 (rate limited) for ${name}'s devices and asks to wait ${seconds} s; the hub waits too. Run doctor again after`,
    );
  if (err.code === 'unauthorized')
    return connectAgain(account, 'Spotify refuses its access token even after a refresh');
  if (err.code === 'not_registered')
    return finding(
      'fail',
      `Spotify refuses ${name}: while the app is in Development Mode, add the venue account's e-mail under User Management on the Spotify dashboard`,
    );
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
  if (err.code === 'unreachable')
    return finding('warn', `could not reach Spotify for ${name}'s devices: ${err.message}${cause}`);
  if (err.code === 'server_error')
    return finding('warn', `Spotify answered ${err.status ?? '5xx'} for ${name}'s devices: try again in a minute`);
  return finding('warn', `could not check ${name}'s devices: Spotify answered ${err.code} (${err.message})`);
}

/** Spotify's `product` now, if /v1/me still carries it; null on any failure (the devices already answered). */
async function currentProduct(
  config: Config,
  refresher: TokenRefresher,
  gate: SpotifyRateGate,
): Promise<string | null> {
  try {
    const { tokens } = await refresher.fresh(VENUE_ACCOUNT_ID);
    const me = productSchema.safeParse(
      await new WebApiClient(config.spotify.apiUrl, { timeoutMs: TIMEOUT_MS, gate }).get('/v1/me', tokens.accessToken),
    );
    return me.success ? (me.data.product ?? null) : null;
  } catch {
    return null;
  }
}

async function checkVenueAccount(config: Config, redis: RedisClient): Promise<Finding> {
  // Silent: what the token store and refresher would log is what this finding says.
  const log = createLogger({ level: 'silent' });
  const tokens = new TokenStore(redis, config.tokenEncryptionKey, log);
  const store = new VenueStore(redis, tokens);
  const account = await store.account();
  if (!account) return notConnected();
  if (!(await store.hasTokens()))
    return tokensMissing(account, (await redis.exists(keys.tokens(VENUE_ACCOUNT_ID))) === 1);
  const gate = new SpotifyRateGate(redis);
  const accounts = new AccountsClient(config.spotify, { timeoutMs: TIMEOUT_MS, gate });
  const refresher = new TokenRefresher({ redis, store: tokens, accounts, log });
  const player = new PlayerClient({
    apiUrl: config.spotify.apiUrl,
    tokens: refresher,
    timeoutMs: TIMEOUT_MS,
    gate: { before: () => gate.before(), limited: (ms, reason) => gate.limited(ms, reason ?? null) },
  });
  let devices: PlayerDevice[];
  try {
    devices = await player.devices(VENUE_ACCOUNT_ID);
  } catch (err) {
    return judgeVenueError(account, err);
  }
  const product = (await currentProduct(config, refresher, gate)) ?? account.product;
  return judgeVenue({ account, devices, product });
}

/**
 * The venue account in the Redis at `redisUrl` (the one that answered; null: none did, and the
 * redis finding already says so). A refresh may wait for another process's (up to the
 * refresher's lock wait) and is never abandoned: a rotated refresh token must be saved.
 */
export async function probeVenue(config: Config, redisUrl: string | null): Promise<Finding[]> {
  const mode = venueModeFinding(config);
  if (mode) return [mode];
  if (redisUrl === null) return [];
  const redis = createClient({
    url: redisUrl,
    socket: { reconnectStrategy: false, connectTimeout: TIMEOUT_MS },
  }) as unknown as RedisClient;
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch {
    if (redis.isOpen) redis.destroy();
    return [];
  }
  try {
    return [await checkVenueAccount(config, redis)];
  } catch (err) {
    return [finding('warn', `could not read the venue account: ${(err as Error).message}`)];
  } finally {
    if (redis.isOpen) await redis.close().catch(() => (redis.isOpen ? redis.destroy() : undefined));
  }
}
