/**
 * pino, with redaction of every secret the hub handles from day one: authorization headers,
 * cookies, OAuth codes and verifiers, Spotify tokens and the client secret. On a terminal the
 * lines are pretty and colourised (pino-pretty, in this thread); anywhere else they stay JSON for
 * log collectors.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger } from 'pino';

const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'code_verifier',
  'codeVerifier',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'client_secret',
  'clientSecret',
  'token',
  'password',
  'sessionSecret',
  'tokenEncryptionKey',
  'operatorToken',
  'bridgeToken',
] as const;

/** Paths pino masks wherever they appear up to two levels deep, plus HTTP headers. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  // An OAuth `code` only ever travels in a query or a form; AppError's own `code` stays readable.
  'query.code',
  'body.code',
  'form.code',
  'req.query.code',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
];

const SECRET_QUERY_KEYS = new Set([
  'code',
  'state',
  'code_verifier',
  'access_token',
  'refresh_token',
  'token',
  'client_secret',
]);

/** A URL for the log with the values of secret query parameters masked. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = decodeURIComponentSafe(eq < 0 ? pair : pair.slice(0, eq));
      return SECRET_QUERY_KEYS.has(key) ? `${pair.slice(0, eq < 0 ? pair.length : eq)}=[Redacted]` : pair;
    });
  return `${url.slice(0, q)}?${pairs.join('&')}`;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** One readable, colourised line per event; default: when stdout is a terminal. */
  pretty?: boolean;
}

/**
 * pino-pretty as a synchronous stream rather than a worker-thread transport: entry points call
 * `process.exit` on shutdown and fatal start-up states, and a sync stream loses no last line.
 */
export function prettyStream(options: {
  colorize: boolean;
  destination?: DestinationStream | number;
}): DestinationStream {
  return PinoPretty({
    colorize: options.colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    sync: true,
    destination: options.destination ?? 1,
  });
}

export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const pretty = options.pretty ?? (destination === undefined && process.stdout.isTTY === true);
  return pino(
    {
      name: options.name ?? 'nowplaying-hub',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pretty
      ? prettyStream({ colorize: destination === undefined, ...(destination ? { destination } : {}) })
      : destination,
  );
}
