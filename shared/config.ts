/**
 * The one place that reads the environment. Every variable of PROTOCOL.md is parsed and validated
 * once, at start-up, into a frozen, typed `Config`; nothing else in the product touches
 * `process.env`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  deepFreeze,
  httpUrlField as httpUrl,
  orExit,
  portField as port,
  readEnvironment,
  wholeNumberField as positiveInt,
  type Environment,
} from './config/env.js';

/** Names from the seed project that keep working; the first listed name wins. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  SPOTIFY_CLIENT_ID: ['CLIENT_ID'],
  SPOTIFY_CLIENT_SECRET: ['CLIENT_SECRET'],
  SPOTIFY_REDIRECT_URI: ['RE_URI'],
  PUBLIC_URL: ['FRONT_URI'],
  CORS_ORIGINS: ['REXP'],
};

/** Where demo mode keeps its generated secrets and `npm start` its private Redis. */
export const DATA_DIR = path.resolve('.data');

// One ConfigError class for every role; the bridge's own schema lives in shared/config/.
export { ConfigError, readEnvironment, type Environment };

const secret = (what: string) => z.string().min(16, `must be at least 16 characters (${what})`).optional();

const encryptionKey = z
  .string()
  .refine((s) => {
    const b = Buffer.from(s, 'base64');
    return b.length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(s);
  }, 'must be 32 random bytes in base64, e.g. the output of `openssl rand -base64 32`')
  .optional();

const schema = z.object({
  NODE_ENV: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port(4000),
  PUBLIC_URL: httpUrl('http://192.168.1.20:4000').optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379')
    .optional(),
  SPOTIFY_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be the Client ID from the Spotify dashboard (letters and digits)')
    .optional(),
  SPOTIFY_CLIENT_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be the Client secret from the Spotify dashboard, or unset')
    .optional(),
  SPOTIFY_REDIRECT_URI: httpUrl('http://127.0.0.1:4000/callback').optional(),
  SPOTIFY_ACCOUNTS_URL: httpUrl('https://accounts.spotify.com').optional(),
  SPOTIFY_API_URL: httpUrl('https://api.spotify.com').optional(),
  SESSION_SECRET: secret('any long random string'),
  TOKEN_ENCRYPTION_KEY: encryptionKey,
  OPERATOR_TOKEN: secret('operators sign in with it'),
  BRIDGE_TOKEN: secret('the bridge authenticates with it'),
  CORS_ORIGINS: z
    .string()
    .refine(
      (s) => s.split(',').every((o) => /^https?:\/\/[^/\s]+$/.test(o.trim())),
      'must be a comma-separated list of origins like https://show.example.org,http://127.0.0.1:5173',
    )
    .optional(),
  TRUST_PROXY: z
    .string()
    .refine(
      (s) => parseTrustProxy(s) !== null,
      'must be false, a number of proxy hops (1 = one reverse proxy in front), or a comma-separated list of proxy addresses/CIDRs (loopback, uniquelocal, 10.0.0.0/8 …)',
    )
    .default('false'),
  METRICS_TOKEN: secret('Prometheus scrapes /metrics with `Authorization: Bearer` and it').optional(),
  HUB_URL: httpUrl('http://127.0.0.1:4000').optional(),
  OSC_TARGET: z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port, like 127.0.0.1:7000')
    .default('127.0.0.1:7000'),
  BRIDGE_WS_PORT: port(9980),
  POLL_INTERVAL_MS: positiveInt(1000, 200, 60000, 'milliseconds'),
  TURN_SECONDS: positiveInt(180, 10, 86400, 'seconds'),
  IDLE_SECONDS: positiveInt(45, 5, 3600, 'seconds'),
  OSC_RATE_HZ: positiveInt(30, 1, 240, 'hertz'),
  DEMO_CROWD: positiveInt(0, 0, 200, 'listeners'),
  SIMULATOR_PORT: port(4001),
  SIMULATOR_ACCESS_TOKEN_SECONDS: positiveInt(3600, 2, 86400, 'seconds'),
  SIMULATOR_ROTATE_REFRESH_TOKENS: z.enum(['true', 'false', '1', '0']).default('false'),
  VENUE_NAME: z.string().trim().max(80, 'must be at most 80 characters').optional(),
  GUESTS: z.enum(['on', 'off', 'true', 'false', '1', '0'], { message: 'must be on or off' }).default('on'),
  PICKS_PER_TURN: positiveInt(3, 1, 20, 'tracks'),
  TRACK_COOLDOWN_MINUTES: positiveInt(60, 0, 10080, 'minutes'),
  FALLBACK_PLAYLIST: z
    .string()
    .regex(
      /^spotify:playlist:[0-9A-Za-z]{22}$/,
      'must be a Spotify playlist URI like spotify:playlist:37i9dQZF1DXcBWIGoYBM5M, or unset',
    )
    .optional(),
});

export type TrustProxy = false | number | readonly string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const IPV4_OR_6_CIDR = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]+(?:\.\d{1,3}){0,3})(?:\/\d{1,3})?$/;

/**
 * TRUST_PROXY as Express understands it. `true` means one hop (the usual single reverse proxy),
 * not "trust every X-Forwarded-For entry", so rotating that header cannot reset per-IP limits.
 */
export function parseTrustProxy(raw: string): TrustProxy | null {
  const v = raw.trim().toLowerCase();
  if (v === 'false' || v === '0' || v === '') return false;
  if (v === 'true') return 1;
  if (/^\d+$/.test(v)) return Number(v) <= 32 ? Number(v) : null;
  const list = v
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (list.length === 0 || !list.every((p) => PROXY_NAMES.has(p) || IPV4_OR_6_CIDR.test(p))) return null;
  return list;
}

export interface SpotifyConfig {
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly redirectUri: string;
  readonly accountsUrl: string;
  readonly apiUrl: string;
  readonly scopes: readonly string[];
}

export interface Config {
  readonly nodeEnv: string;
  readonly logLevel: string;
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  /** PUBLIC_URL (or its alias) was set; false means `publicUrl` is the loopback default. */
  readonly publicUrlSet: boolean;
  /** Null when REDIS_URL is unset: `npm start` may then find or start a Redis itself. */
  readonly redisUrl: string | null;
  /** No SPOTIFY_CLIENT_ID: the embedded simulator stands in for Spotify and secrets are generated. */
  readonly demoMode: boolean;
  readonly spotify: SpotifyConfig;
  readonly sessionSecret: string;
  readonly tokenEncryptionKey: Buffer;
  readonly operatorToken: string;
  readonly bridgeToken: string;
  readonly corsOrigins: readonly string[];
  readonly secureCookies: boolean;
  /**
   * Express `trust proxy` semantics: false (use the socket's address), a hop count (the client is
   * that many proxies back from us), or the addresses of trusted proxies. Never "trust everything",
   * which would let a client choose its own address with X-Forwarded-For.
   */
  readonly trustProxy: TrustProxy;
  /** Null: /metrics answers loopback callers only. */
  readonly metricsToken: string | null;
  readonly pollIntervalMs: number;
  readonly turnSeconds: number;
  readonly idleSeconds: number;
  readonly demoCrowd: number;
  /** Shown on the projector's attract screen and the phone page; null when unset. */
  readonly venueName: string | null;
  /** Venue mode (PROTOCOL.md "Venue mode"). */
  readonly venue: {
    /** GUESTS: whether audience members may join with a name only. */
    readonly guests: boolean;
    readonly picksPerTurn: number;
    readonly trackCooldownMinutes: number;
    /** A `spotify:playlist:…` URI played while nobody drives, or null. */
    readonly fallbackPlaylist: string | null;
  };
  readonly bridge: {
    readonly hubUrl: string;
    readonly oscHost: string;
    readonly oscPort: number;
    readonly wsPort: number;
    readonly oscRateHz: number;
  };
  readonly simulator: {
    readonly port: number;
    readonly accessTokenSeconds: number;
    readonly rotateRefreshTokens: boolean;
  };
}

/** Client id of the embedded simulator's one registered app. */
export const DEMO_CLIENT_ID = 'nowplaying-hub-demo';
/** Path under the hub where demo mode mounts the simulator, so phones reach its consent page too. */
export const DEMO_SIMULATOR_PATH = '/sim';
export const SPOTIFY_SCOPES = ['user-read-currently-playing', 'user-read-playback-state'] as const;
/** Scopes of the venue account: it plays, so it may steer the player too. */
export const VENUE_SCOPES = [
  'user-read-playback-state',
  'user-modify-playback-state',
  'user-read-currently-playing',
] as const;

function applyAliases(env: Environment): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) out[k] = v === '' ? undefined : v;
  for (const [name, aliases] of Object.entries(ALIASES)) {
    if (out[name] !== undefined) continue;
    const alias = aliases.find((a) => out[a] !== undefined);
    if (alias) out[name] = out[alias];
  }
  return out;
}

interface DemoSecrets {
  sessionSecret: string;
  tokenEncryptionKey: string;
  operatorToken: string;
  bridgeToken: string;
  /** The embedded simulator's client secret, so demo mode can use client credentials too. */
  simulatorClientSecret: string;
}

/**
 * Demo mode generates its secrets once and keeps them under `.data/`, so a restart does not log
 * everybody out and a separately started bridge or worker shares them.
 */
function demoSecrets(dataDir: string | null): DemoSecrets {
  const fresh: DemoSecrets = {
    sessionSecret: randomBytes(32).toString('base64url'),
    tokenEncryptionKey: randomBytes(32).toString('base64'),
    operatorToken: randomBytes(12).toString('base64url'),
    bridgeToken: randomBytes(12).toString('base64url'),
    simulatorClientSecret: randomBytes(24).toString('base64url'),
  };
  if (!dataDir) return fresh;
  const file = path.join(dataDir, 'demo-secrets.json');
  try {
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoSecrets>;
      if (
        saved.sessionSecret &&
        saved.tokenEncryptionKey &&
        saved.operatorToken &&
        saved.bridgeToken &&
        saved.simulatorClientSecret
      ) {
        return saved as DemoSecrets;
      }
    }
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  } catch {
    // An unwritable folder only costs persistence across restarts.
  }
  return fresh;
}

export interface LoadConfigOptions {
  /** Folder for demo secrets; null keeps them in memory only (tests). */
  readonly dataDir?: string | null;
}

/**
 * Parses and validates the environment. Throws a `ConfigError` whose `problems` hold one line per
 * bad variable, naming it and what it must look like.
 */
export function loadConfig(rawEnv: Environment, options: LoadConfigOptions = {}): Config {
  const env = applyAliases(rawEnv);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `${name} ${issue.message}`;
    });
    throw new ConfigError([...new Set(problems)]);
  }
  const e = parsed.data;
  const demoMode = e.SPOTIFY_CLIENT_ID === undefined;
  const problems: string[] = [];

  const publicUrl = e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`;
  let secrets: DemoSecrets;
  if (demoMode) {
    const generated = demoSecrets(options.dataDir === undefined ? DATA_DIR : options.dataDir);
    secrets = {
      sessionSecret: e.SESSION_SECRET ?? generated.sessionSecret,
      tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY ?? generated.tokenEncryptionKey,
      operatorToken: e.OPERATOR_TOKEN ?? generated.operatorToken,
      bridgeToken: e.BRIDGE_TOKEN ?? generated.bridgeToken,
      simulatorClientSecret: e.SPOTIFY_CLIENT_SECRET ?? generated.simulatorClientSecret,
    };
  } else {
    const required = {
      SESSION_SECRET: 'at least 16 random characters, e.g. `openssl rand -base64 32`',
      TOKEN_ENCRYPTION_KEY: '32 random bytes in base64, e.g. `openssl rand -base64 32`',
      OPERATOR_TOKEN: 'at least 16 random characters; operators sign in with it',
      BRIDGE_TOKEN: 'at least 16 random characters; the bridge authenticates with it',
    } as const;
    for (const [name, hint] of Object.entries(required)) {
      if (e[name as keyof typeof required] === undefined) {
        problems.push(`${name} is required when SPOTIFY_CLIENT_ID is set: ${hint}`);
      }
    }
    secrets = {
      sessionSecret: e.SESSION_SECRET ?? '',
      tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY ?? '',
      operatorToken: e.OPERATOR_TOKEN ?? '',
      bridgeToken: e.BRIDGE_TOKEN ?? '',
      simulatorClientSecret: '',
    };
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const simulatorBase = `${publicUrl}${DEMO_SIMULATOR_PATH}`;
  const [oscHost, oscPort] = e.OSC_TARGET.split(':') as [string, string];
  const truthy = (v: string) => v === 'true' || v === '1';

  const config: Config = {
    nodeEnv: e.NODE_ENV ?? 'development',
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    publicUrlSet: e.PUBLIC_URL !== undefined,
    redisUrl: e.REDIS_URL ?? null,
    demoMode,
    spotify: {
      clientId: e.SPOTIFY_CLIENT_ID ?? DEMO_CLIENT_ID,
      clientSecret: demoMode ? secrets.simulatorClientSecret : (e.SPOTIFY_CLIENT_SECRET ?? null),
      redirectUri: e.SPOTIFY_REDIRECT_URI ?? `${publicUrl}/callback`,
      accountsUrl: e.SPOTIFY_ACCOUNTS_URL ?? (demoMode ? `${simulatorBase}/accounts` : 'https://accounts.spotify.com'),
      apiUrl: e.SPOTIFY_API_URL ?? (demoMode ? `${simulatorBase}/api` : 'https://api.spotify.com'),
      scopes: SPOTIFY_SCOPES,
    },
    sessionSecret: secrets.sessionSecret,
    tokenEncryptionKey: Buffer.from(secrets.tokenEncryptionKey, 'base64'),
    operatorToken: secrets.operatorToken,
    bridgeToken: secrets.bridgeToken,
    corsOrigins: e.CORS_ORIGINS ? e.CORS_ORIGINS.split(',').map((o) => o.trim().replace(/\/+$/, '')) : [],
    secureCookies: publicUrl.startsWith('https:'),
    trustProxy: parseTrustProxy(e.TRUST_PROXY) ?? false,
    metricsToken: e.METRICS_TOKEN ?? null,
    pollIntervalMs: e.POLL_INTERVAL_MS,
    turnSeconds: e.TURN_SECONDS,
    idleSeconds: e.IDLE_SECONDS,
    demoCrowd: e.DEMO_CROWD,
    venueName: e.VENUE_NAME || null,
    venue: {
      guests: e.GUESTS === 'on' || truthy(e.GUESTS),
      picksPerTurn: e.PICKS_PER_TURN,
      trackCooldownMinutes: e.TRACK_COOLDOWN_MINUTES,
      fallbackPlaylist: e.FALLBACK_PLAYLIST ?? null,
    },
    bridge: {
      hubUrl: e.HUB_URL ?? `http://127.0.0.1:${e.PORT}`,
      oscHost,
      oscPort: Number(oscPort),
      wsPort: e.BRIDGE_WS_PORT,
      oscRateHz: e.OSC_RATE_HZ,
    },
    simulator: {
      port: e.SIMULATOR_PORT,
      accessTokenSeconds: e.SIMULATOR_ACCESS_TOKEN_SECONDS,
      rotateRefreshTokens: truthy(e.SIMULATOR_ROTATE_REFRESH_TOKENS),
    },
  };
  return deepFreeze(config);
}

/** Entry points call this: a bad variable prints one line per problem and stops the process. */
export function loadConfigOrExit(): Config {
  return orExit(() => loadConfig(readEnvironment()));
}

/** Every variable the hub reads (aliases aside), for documentation and deployment checks. */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(schema.shape);

/**
 * Settings only `npm start` reads (not the server, worker or bridge roles): where it looks for a
 * running Redis when REDIS_URL is unset, and the port of the private redis-server it may start.
 */
const startSchema = z.object({
  LOCAL_REDIS_URL: z
    .string()
    .regex(/^redis:\/\/[^/\s]+(\/\d+)?$/, 'must be a redis:// URL, like redis://127.0.0.1:6379')
    .default('redis://127.0.0.1:6379'),
  PRIVATE_REDIS_PORT: port(6390),
});

export interface StartSettings {
  /** The Redis `npm start` uses when REDIS_URL is unset and one answers there. */
  readonly localRedisUrl: string;
  /** Port of the private redis-server `npm start` starts when nothing answers at `localRedisUrl`. */
  readonly privateRedisPort: number;
}

/** Parses `npm start`'s own settings; throws a `ConfigError` like `loadConfig`. */
export function loadStartSettings(rawEnv: Environment): StartSettings {
  const parsed = startSchema.safeParse(applyAliases(rawEnv));
  if (!parsed.success) {
    throw new ConfigError([
      ...new Set(parsed.error.issues.map((i) => `${String(i.path[0] ?? 'environment')} ${i.message}`)),
    ]);
  }
  return Object.freeze({
    localRedisUrl: parsed.data.LOCAL_REDIS_URL,
    privateRedisPort: parsed.data.PRIVATE_REDIS_PORT,
  });
}

/** Variables only `npm start` and `npm run doctor` read, for documentation checks. */
export const START_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(startSchema.shape);
