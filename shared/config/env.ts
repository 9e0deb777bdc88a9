/**
 * What every role's configuration shares: reading the environment (with an optional `.env`
 * underneath), the error that carries one line per bad variable, the zod fields several roles
 * validate the same way, and the exit path of an entry point. Config modules are the only code
 * that reads `process.env`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';

export type Environment = Readonly<Record<string, string | undefined>>;

/** One line per problem, each naming the variable and what it must look like. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** sysexits.h EX_CONFIG: what every entry point exits with on a configuration error. */
export const EXIT_CONFIG = 78;

/** The process environment with a `.env` file (when present) underneath it. */
export function readEnvironment(dotenvPath = path.resolve('.env')): Environment {
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  return { ...fromFile, ...process.env };
}

/** Empty strings count as unset (docker-compose passes `${X:-}` as ""). */
export function withoutEmpty(env: Environment): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) out[k] = v === '' ? undefined : v;
  return out;
}

/** Turns zod's issues into `NAME what it must be` lines: the first problem of each variable only. */
export function problemsOf(error: z.ZodError): string[] {
  const byName = new Map<string, string>();
  for (const issue of error.issues) {
    const name = String(issue.path[0] ?? 'environment');
    if (!byName.has(name)) byName.set(name, `${name} ${issue.message}`);
  }
  return [...byName.values()];
}

export const logLevelField = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** A bind address (HOST): every interface unless told otherwise. */
export const hostField = z.string().min(1).default('0.0.0.0');

export const portField = (fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number from 0 to 65535')
    .transform(Number)
    .refine((n) => n >= 0 && n <= 65535, 'must be a whole number from 0 to 65535')
    .default(fallback);

export const wholeNumberField = (fallback: number, min: number, max: number, unit: string) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number of ${unit} from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number of ${unit} from ${min} to ${max}`)
    .default(fallback);

export const httpUrlField = (example: string) =>
  z
    .string()
    .refine((s) => {
      try {
        const u = new URL(s);
        return u.protocol === 'http:' || u.protocol === 'https:';
      } catch {
        return false;
      }
    }, `must be an http(s) URL, like ${example}`)
    .transform((s) => s.replace(/\/+$/, ''));

/** `host:port`, split. */
export const hostPortField = (fallback: string) =>
  z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, `must be host:port, like ${fallback}`)
    .refine((s) => Number(s.split(':')[1]) <= 65535, `must be host:port with a port up to 65535, like ${fallback}`)
    .default(fallback)
    .transform((s) => {
      const [host, port] = s.split(':') as [string, string];
      return { host, port: Number(port) };
    });

/** Frozen all the way down: options are validated once, then nobody changes them (Fastify's habit). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Entry points: a `ConfigError` prints one line per problem and exits 78; anything else is thrown on. */
export function orExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) process.stderr.write(`config error: ${p}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
}
