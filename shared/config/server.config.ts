/**
 * The HTTP + Socket.IO server's configuration (`npm run start:server`): the common part and the
 * show's rules, plus what only the server uses: where it listens, which browser origins and proxies
 * it trusts, who may read /metrics, the venue's name, and in demo mode the embedded simulator's
 * token settings and the demo crowd.
 */
import { z } from 'zod';
import {
  simulatorTokenFields,
  simulatorTokenSettingsOf,
  type SimulatorTokenSettings,
} from '../../simulator/simulator.config.js';
import {
  commonConfigOf,
  commonFields,
  parseEnvironment,
  secretField,
  type CommonConfig,
  type LoadConfigOptions,
} from './common.js';
import { deepFreeze, hostField, orExit, readEnvironment, wholeNumberField, type Environment } from './env.js';
import { showRuleFields, showRulesOf, type ShowRules } from './show-rules.js';

export type TrustProxy = false | number | readonly string[];

/** The WebSocket servers Socket.IO can run its `websocket` transport on (server/realtime/ws-engine.ts). */
export const WS_ENGINES = ['ws', 'eiows'] as const;
export type WsEngineName = (typeof WS_ENGINES)[number];

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

/** The server's own fields (the common ones and the show's rules aside). */
export const serverOnlyFields = {
  HOST: hostField,
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
  METRICS_TOKEN: secretField('Prometheus scrapes /metrics with `Authorization: Bearer` and it'),
  VENUE_NAME: z.string().trim().max(80, 'must be at most 80 characters').optional(),
  DEMO_CROWD: wholeNumberField(0, 0, 200, 'listeners'),
  WS_ENGINE: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(WS_ENGINES, { error: 'must be "ws" or "eiows"' }))
    .default('ws'),
  ...simulatorTokenFields,
};

export const serverSchema = z.object({ ...commonFields, ...showRuleFields, ...serverOnlyFields });
export type ServerFields = z.infer<typeof serverSchema>;

export interface ServerConfig extends CommonConfig, ShowRules {
  readonly host: string;
  readonly port: number;
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
  readonly demoCrowd: number;
  /** Shown on the projector's attract screen and the phone page; null when unset. */
  readonly venueName: string | null;
  /** The simulator demo mode embeds at /sim. */
  readonly simulator: SimulatorTokenSettings;
  /** The WebSocket engine asked for; the server falls back to `ws` when `eiows` cannot load. */
  readonly wsEngine: WsEngineName;
}

/** Every variable the server reads. */
export const SERVER_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(serverSchema.shape);

/** The server's configuration from its parsed fields and the common part built from them. */
export function serverConfigOf(e: ServerFields, common: CommonConfig): ServerConfig {
  return {
    ...common,
    ...showRulesOf(e),
    host: e.HOST,
    port: e.PORT,
    corsOrigins: e.CORS_ORIGINS ? e.CORS_ORIGINS.split(',').map((o) => o.trim().replace(/\/+$/, '')) : [],
    secureCookies: common.publicUrl.startsWith('https:'),
    trustProxy: parseTrustProxy(e.TRUST_PROXY) ?? false,
    metricsToken: e.METRICS_TOKEN ?? null,
    demoCrowd: e.DEMO_CROWD,
    venueName: e.VENUE_NAME || null,
    simulator: simulatorTokenSettingsOf(e),
    wsEngine: e.WS_ENGINE,
  };
}

/** Validates the server's environment; a `ConfigError` carries one line per bad variable. */
export function loadServerConfig(env: Environment, options: LoadConfigOptions = {}): ServerConfig {
  const e = parseEnvironment(serverSchema, env);
  return deepFreeze(serverConfigOf(e, commonConfigOf(e, options)));
}

/** `server/main.ts`: a bad variable prints one line per problem and stops the process. */
export function loadServerConfigOrExit(): ServerConfig {
  return orExit(() => loadServerConfig(readEnvironment()));
}
