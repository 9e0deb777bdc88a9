/**
 * Settings only `npm start` (and `npm run demo:clean`, `npm run doctor`) read, not the server,
 * worker or bridge roles: where it looks for a running Redis when REDIS_URL is unset, and the port
 * of the private redis-server it may start.
 */
import { z } from 'zod';
import { parseEnvironment } from './common.js';
import { portField, type Environment } from './env.js';

const startSchema = z.object({
  LOCAL_REDIS_URL: z
    .string()
    .regex(/^redis:\/\/[^/\s]+(\/\d+)?$/, 'must be a redis:// URL, like redis://127.0.0.1:6379')
    .default('redis://127.0.0.1:6379'),
  PRIVATE_REDIS_PORT: portField(6390),
});

export interface StartSettings {
  /** The Redis `npm start` uses when REDIS_URL is unset and one answers there. */
  readonly localRedisUrl: string;
  /** Port of the private redis-server `npm start` starts when nothing answers at `localRedisUrl`. */
  readonly privateRedisPort: number;
}

/** Parses `npm start`'s own settings; throws a `ConfigError` with one line per bad variable. */
export function loadStartSettings(rawEnv: Environment): StartSettings {
  const e = parseEnvironment(startSchema, rawEnv);
  return Object.freeze({ localRedisUrl: e.LOCAL_REDIS_URL, privateRedisPort: e.PRIVATE_REDIS_PORT });
}

/** Variables only `npm start` and `npm run doctor` read, for documentation checks. */
export const START_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(startSchema.shape);
