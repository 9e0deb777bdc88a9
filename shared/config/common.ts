/**
 * What every role of the hub (server, poll worker) reads the same way: the seed project's alias
 * names, the log level, where Redis and the public URL are, which Spotify (or, with no
 * SPOTIFY_CLIENT_ID, demo mode's simulator), and the hub's four secrets. Server and worker of one
 * hub are deployed with the same secrets, so each refuses to start without them outside demo mode:
 * a half-configured deployment stops at whichever role starts first.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  httpUrlField,
  logLevelField,
  portField,
  problemsOf,
  withoutEmpty,
  type Environment,
} from './env.js';

/** Where demo mode keeps its generated secrets and `npm start` its private Redis. */
export const DATA_DIR = path.resolve('.data');
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

/** Names from the seed project that keep working; the first listed name wins. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  SPOTIFY_CLIENT_ID: ['CLIENT_ID'],
  SPOTIFY_CLIENT_SECRET: ['CLIENT_SECRET'],
  SPOTIFY_REDIRECT_URI: ['RE_URI'],
  PUBLIC_URL: ['FRONT_URI'],
  CORS_ORIGINS: ['REXP'],
};

/** A secret of at least 16 characters; `what` says what it is for. */
export const secretField = (what: string) => z.string().min(16, `must be at least 16 characters (${what})`).optional();

/** The Spotify app's settings; the client id alone (no secret) is enough for PKCE logins. */
export const spotifyAppFields = {
  SPOTIFY_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be the Client ID from the Spotify dashboard (letters and digits)')
    .optional(),
  SPOTIFY_CLIENT_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be the Client secret from the Spotify dashboard, or unset')
    .optional(),
  SPOTIFY_REDIRECT_URI: httpUrlField('http://127.0.0.1:4000/callback').optional(),
};

/** Every hub role's fields. PORT is read by all of them: the public URL defaults to it. */
export const commonFields = {
  NODE_ENV: z.string().optional(),
  LOG_LEVEL: logLevelField,
  PORT: portField(4000),
  PUBLIC_URL: httpUrlField('http://192.168.1.20:4000').optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379')
    .optional(),
  ...spotifyAppFields,
  SPOTIFY_ACCOUNTS_URL: httpUrlField('https://accounts.spotify.com').optional(),
  SPOTIFY_API_URL: httpUrlField('https://api.spotify.com').optional(),
  SESSION_SECRET: secretField('any long random string'),
  TOKEN_ENCRYPTION_KEY: z
    .string()
    .refine((s) => {
      const b = Buffer.from(s, 'base64');
      return b.length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(s);
    }, 'must be 32 random bytes in base64, e.g. the output of `openssl rand -base64 32`')
    .optional(),
  OPERATOR_TOKEN: secretField('operators sign in with it'),
  BRIDGE_TOKEN: secretField('the bridge authenticates with it'),
};
export type CommonFields = z.infer<z.ZodObject<typeof commonFields>>;

export interface SpotifyConfig {
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly redirectUri: string;
  readonly accountsUrl: string;
  readonly apiUrl: string;
  readonly scopes: readonly string[];
}

export interface CommonConfig {
  readonly nodeEnv: string;
  readonly logLevel: string;
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
}

export interface LoadConfigOptions {
  /** Folder for demo secrets; null keeps them in memory only (tests). */
  readonly dataDir?: string | null;
}

/** The environment with empty values unset (docker-compose passes `${X:-}` as "") and aliases applied. */
export function withAliases(env: Environment): Record<string, string | undefined> {
  const out = withoutEmpty(env);
  for (const [name, aliases] of Object.entries(ALIASES)) {
    if (out[name] !== undefined) continue;
    const alias = aliases.find((a) => out[a] !== undefined);
    if (alias) out[name] = out[alias];
  }
  return out;
}

/** Validates `env` (aliases applied) against a role's schema; a `ConfigError` names each bad variable. */
export function parseEnvironment<S extends z.ZodType>(schema: S, env: Environment): z.infer<S> {
  const parsed = schema.safeParse(withAliases(env));
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  return parsed.data;
}

export interface DemoSecrets {
  sessionSecret: string;
  tokenEncryptionKey: string;
  operatorToken: string;
  bridgeToken: string;
  /** The embedded simulator's client secret, so demo mode can use client credentials too. */
  simulatorClientSecret: string;
}

/**
 * Demo mode generates its secrets once and keeps them under `.data/`, so a restart does not log
 * everybody out and a separately started worker, bridge or simulator shares them.
 */
export function demoSecrets(dataDir: string | null): DemoSecrets {
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

const REQUIRED_SECRETS = {
  SESSION_SECRET: 'at least 16 random characters, e.g. `openssl rand -base64 32`',
  TOKEN_ENCRYPTION_KEY: '32 random bytes in base64, e.g. `openssl rand -base64 32`',
  OPERATOR_TOKEN: 'at least 16 random characters; operators sign in with it',
  BRIDGE_TOKEN: 'at least 16 random characters; the bridge authenticates with it',
} as const;

/** The hub's secrets: generated (and kept) in demo mode, required otherwise. */
function hubSecrets(e: CommonFields, demoMode: boolean, options: LoadConfigOptions): DemoSecrets {
  if (demoMode) {
    const generated = demoSecrets(options.dataDir === undefined ? DATA_DIR : options.dataDir);
    return {
      sessionSecret: e.SESSION_SECRET ?? generated.sessionSecret,
      tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY ?? generated.tokenEncryptionKey,
      operatorToken: e.OPERATOR_TOKEN ?? generated.operatorToken,
      bridgeToken: e.BRIDGE_TOKEN ?? generated.bridgeToken,
      simulatorClientSecret: e.SPOTIFY_CLIENT_SECRET ?? generated.simulatorClientSecret,
    };
  }
  const missing = Object.entries(REQUIRED_SECRETS).filter(
    ([name]) => e[name as keyof typeof REQUIRED_SECRETS] === undefined,
  );
  if (missing.length > 0)
    throw new ConfigError(missing.map(([name, hint]) => `${name} is required when SPOTIFY_CLIENT_ID is set: ${hint}`));
  return {
    sessionSecret: e.SESSION_SECRET ?? '',
    tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY ?? '',
    operatorToken: e.OPERATOR_TOKEN ?? '',
    bridgeToken: e.BRIDGE_TOKEN ?? '',
    simulatorClientSecret: '',
  };
}

/** The common part of a role's configuration, from its parsed fields. */
export function commonConfigOf(e: CommonFields, options: LoadConfigOptions = {}): CommonConfig {
  const demoMode = e.SPOTIFY_CLIENT_ID === undefined;
  const secrets = hubSecrets(e, demoMode, options);
  const publicUrl = e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`;
  const simulatorBase = `${publicUrl}${DEMO_SIMULATOR_PATH}`;
  return {
    nodeEnv: e.NODE_ENV ?? 'development',
    logLevel: e.LOG_LEVEL,
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
  };
}
