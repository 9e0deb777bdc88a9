/**
 * The poll worker's configuration (`npm run start:worker`): the common part and the show's rules,
 * nothing else. A worker does not listen, so it reads no bind address, origins, proxies or
 * metrics token.
 */
import { z } from 'zod';
import { commonConfigOf, commonFields, parseEnvironment, type CommonConfig, type LoadConfigOptions } from './common.js';
import { deepFreeze, orExit, readEnvironment, type Environment } from './env.js';
import { showRuleFields, showRulesOf, type ShowRules } from './show-rules.js';

export const workerSchema = z.object({ ...commonFields, ...showRuleFields });

export type WorkerConfig = CommonConfig & ShowRules;

/** Every variable the poll worker reads. */
export const WORKER_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(workerSchema.shape);

/** Validates the worker's environment; a `ConfigError` carries one line per bad variable. */
export function loadWorkerConfig(env: Environment, options: LoadConfigOptions = {}): WorkerConfig {
  const e = parseEnvironment(workerSchema, env);
  return deepFreeze({ ...commonConfigOf(e, options), ...showRulesOf(e) });
}

/** `workers/poll.main.ts`: a bad variable prints one line per problem and stops the process. */
export function loadWorkerConfigOrExit(): WorkerConfig {
  return orExit(() => loadWorkerConfig(readEnvironment()));
}
