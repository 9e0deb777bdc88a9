/**
 * The hub's configuration, one schema a role, each validated at start-up and frozen:
 * shared/config/common.ts (what every hub role reads), server.config.ts, worker.config.ts,
 * bridge.config.ts, start.config.ts (`npm start`'s own) and simulator/simulator.config.ts.
 * Config modules are the only code that reads `process.env`.
 *
 * This entry is the whole hub at once, as `npm start`, `npm run doctor` and the tests load it:
 * the server's configuration (a superset of the worker's) plus the bridge's outputs as the same
 * environment describes them. It re-exports the role modules for the code that imports from here.
 */
import { bridgeOutputFields, BRIDGE_ENVIRONMENT_VARIABLES } from './config/bridge.config.js';
import { commonConfigOf, parseEnvironment, type LoadConfigOptions } from './config/common.js';
import { deepFreeze, httpUrlField, type Environment } from './config/env.js';
import {
  serverConfigOf,
  serverSchema,
  SERVER_ENVIRONMENT_VARIABLES,
  type ServerConfig,
} from './config/server.config.js';
import { WORKER_ENVIRONMENT_VARIABLES } from './config/worker.config.js';
import { SIMULATOR_ENVIRONMENT_VARIABLES } from '../simulator/simulator.config.js';

export { ConfigError, readEnvironment, type Environment } from './config/env.js';
export {
  DATA_DIR,
  DEMO_CLIENT_ID,
  DEMO_SIMULATOR_PATH,
  SPOTIFY_SCOPES,
  VENUE_SCOPES,
  type CommonConfig,
  type LoadConfigOptions,
  type SpotifyConfig,
} from './config/common.js';
export { parseTrustProxy, type ServerConfig, type TrustProxy } from './config/server.config.js';
export type { WorkerConfig } from './config/worker.config.js';
export { loadStartSettings, START_ENVIRONMENT_VARIABLES, type StartSettings } from './config/start.config.js';

const hubSchema = serverSchema.extend({
  HUB_URL: httpUrlField('http://127.0.0.1:4000').optional(),
  ...bridgeOutputFields,
});

/** Everything the hub's roles read from one environment. */
export interface Config extends ServerConfig {
  /** The bridge's settings as this environment gives them (the bridge itself loads bridge.config.ts). */
  readonly bridge: {
    readonly hubUrl: string;
    readonly oscHost: string;
    readonly oscPort: number;
    readonly wsPort: number;
    readonly oscRateHz: number;
  };
}

/**
 * Parses and validates the hub's whole environment. Throws a `ConfigError` whose `problems` hold
 * one line per bad variable, naming it and what it must look like.
 */
export function loadConfig(rawEnv: Environment, options: LoadConfigOptions = {}): Config {
  const e = parseEnvironment(hubSchema, rawEnv);
  return deepFreeze({
    ...serverConfigOf(e, commonConfigOf(e, options)),
    bridge: {
      hubUrl: e.HUB_URL ?? `http://127.0.0.1:${e.PORT}`,
      oscHost: e.OSC_TARGET.host,
      oscPort: e.OSC_TARGET.port,
      wsPort: e.BRIDGE_WS_PORT,
      oscRateHz: e.OSC_RATE_HZ,
    },
  });
}

/** Every variable a role of the hub reads (aliases and `npm start`'s own aside), for documentation and deployment checks. */
export const ENVIRONMENT_VARIABLES: readonly string[] = [
  ...new Set([
    ...SERVER_ENVIRONMENT_VARIABLES,
    ...WORKER_ENVIRONMENT_VARIABLES,
    ...BRIDGE_ENVIRONMENT_VARIABLES,
    ...SIMULATOR_ENVIRONMENT_VARIABLES,
  ]),
];
